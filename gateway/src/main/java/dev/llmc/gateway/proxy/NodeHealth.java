package dev.llmc.gateway.proxy;

import dev.llmc.gateway.config.UpstreamConfig;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * This replica's view of expert nodes, keyed by base URL (experts served by one server share its state): whether
 * the last health check passed, how many requests are in flight, and the node's {@link CircuitBreaker}. A node not yet
 * checked counts as healthy, so a replica that starts, or learns of an expert from another replica, does not drop
 * traffic until its first probe. Each node's breaker state is the gauge {@code llmc.circuit.state{node}}.
 */
@Singleton
public final class NodeHealth {
    private final ConcurrentMap<String, NodeState> nodes = new ConcurrentHashMap<>();
    private final int circuitFailures;
    private final Duration circuitOpen;
    private final LongSupplier nanoClock;
    private final MeterRegistry meters;

    private final class NodeState {
        volatile boolean healthy = true;
        final AtomicInteger inFlight = new AtomicInteger();
        final CircuitBreaker breaker = new CircuitBreaker(circuitFailures, circuitOpen, nanoClock);
        final Meter gauge;

        NodeState(String baseUrl) {
            gauge = Gauge.builder("llmc.circuit.state", breaker, b -> b.state().gaugeValue)
                    .description("circuit breaker of an expert node: 0 closed, 1 half-open, 2 open")
                    .tag("node", baseUrl).register(meters);
        }
    }

    /** A request in flight to a node; report its outcome to the node's circuit breaker, and close it when it ends. */
    public interface Lease extends AutoCloseable {
        ExpertNode node();

        /** The node answered: closes its breaker. */
        void succeeded();

        /** The node failed (refused, timed out, error status, broken stream): counts towards opening its breaker. */
        void failed();

        /** Ends the request; without a verdict a half-open probe slot is released for the next request. */
        @Override
        void close();
    }

    @Inject
    NodeHealth(UpstreamConfig config, MeterRegistry meters) {
        this(config.circuitFailures(), config.circuitOpen(), System::nanoTime, meters);
    }

    NodeHealth(int circuitFailures, Duration circuitOpen, LongSupplier nanoClock, MeterRegistry meters) {
        this.circuitFailures = circuitFailures;
        this.circuitOpen = circuitOpen;
        this.nanoClock = nanoClock;
        this.meters = meters;
    }

    public boolean isHealthy(ExpertNode node) {
        NodeState state = nodes.get(node.baseUrl());
        return state == null || state.healthy;
    }

    /** Healthy and its circuit breaker admits a request. */
    public boolean isAvailable(ExpertNode node) {
        NodeState state = nodes.get(node.baseUrl());
        return state == null || state.healthy && state.breaker.admits();
    }

    /** Whether any of the expert's nodes could take a request now. */
    public boolean hasHealthyNode(Expert expert) {
        return expert.nodes().stream().anyMatch(this::isAvailable);
    }

    public void record(ExpertNode node, boolean healthy) {
        state(node).healthy = healthy;
    }

    public int inFlight(ExpertNode node) {
        NodeState state = nodes.get(node.baseUrl());
        return state == null ? 0 : state.inFlight.get();
    }

    /** The node's circuit breaker state. */
    CircuitBreaker.State circuit(ExpertNode node) {
        NodeState state = nodes.get(node.baseUrl());
        return state == null ? CircuitBreaker.State.CLOSED : state.breaker.state();
    }

    public Optional<Lease> lease(Expert expert) {
        return lease(expert, Set.of());
    }

    /**
     * Leases the available node (healthy, breaker admitting) not in {@code excluded} (base URLs) with the lowest load
     * (in flight + 1) / weight, ties broken at random; empty when there is none. Weighted least-in-flight keeps a slow
     * node from piling up requests the way round-robin would.
     */
    public Optional<Lease> lease(Expert expert, Set<String> excluded) {
        while (true) {
            ExpertNode best = null;
            double bestLoad = Double.MAX_VALUE;
            int ties = 0;
            for (ExpertNode node : expert.nodes()) {
                if (excluded.contains(node.baseUrl()) || !isAvailable(node)) {
                    continue;
                }
                double load = (inFlight(node) + 1.0) / node.weight();
                if (load < bestLoad) {
                    best = node;
                    bestLoad = load;
                    ties = 1;
                } else if (load == bestLoad && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                    best = node;  // reservoir sampling: each tied node is equally likely
                }
            }
            if (best == null) {
                return Optional.empty();
            }
            NodeState state = state(best);
            // Another request may have taken a half-open breaker's single probe since admits() said yes: choose again.
            if (state.breaker.tryAcquire()) {
                state.inFlight.incrementAndGet();
                return Optional.of(new NodeLease(best, state));
            }
        }
    }

    private static final class NodeLease implements Lease {
        private final ExpertNode node;
        private final NodeState state;
        private boolean judged;
        private boolean closed;

        NodeLease(ExpertNode node, NodeState state) {
            this.node = node;
            this.state = state;
        }

        @Override
        public ExpertNode node() {
            return node;
        }

        @Override
        public synchronized void succeeded() {
            if (!judged) {
                judged = true;
                state.breaker.onSuccess();
            }
        }

        @Override
        public synchronized void failed() {
            if (!judged) {
                judged = true;
                state.breaker.onFailure();
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                state.inFlight.decrementAndGet();
                if (!judged) {
                    state.breaker.onAbandoned();
                }
            }
        }
    }

    /** Forgets nodes no expert uses any more. */
    public void retainOnly(Collection<String> baseUrls) {
        nodes.entrySet().removeIf(entry -> {
            boolean gone = !baseUrls.contains(entry.getKey());
            if (gone) {
                meters.remove(entry.getValue().gauge);
            }
            return gone;
        });
    }

    private NodeState state(ExpertNode node) {
        return nodes.computeIfAbsent(node.baseUrl(), NodeState::new);
    }
}
