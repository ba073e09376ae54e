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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * This replica's view of expert nodes, one state per expert's node ({@link NodeKey}: expert id and node index), never
 * per base URL: two experts served by one server, perhaps with different upstream keys and owners, never share
 * health, in-flight counts or a {@link CircuitBreaker}, so one owner's misconfigured node cannot take another's expert
 * out of rotation. A state belongs to the node it was made for: when an edit puts another node at that index, the
 * state starts afresh. A node not yet checked counts as healthy, so a replica that starts, or learns of an expert from
 * another replica, does not drop traffic until its first probe. Each node's breaker state is the gauge
 * {@code llmc.circuit.state{expert,node}} ({@code node}: the index within the expert, never the URL).
 */
@Singleton
public final class NodeHealth {
    private final ConcurrentMap<NodeKey, NodeState> nodes = new ConcurrentHashMap<>();
    /**
     * Nodes that may be unavailable (marked unhealthy, or a failure counted towards their breaker); every other node is
     * available. Added after the state changes, removed lazily by {@link #expertsWithSuspectNodes()}: a superset.
     */
    private final Set<NodeKey> suspects = ConcurrentHashMap.newKeySet();
    private final int circuitFailures;
    private final Duration circuitOpen;
    private final LongSupplier nanoClock;
    private final MeterRegistry meters;

    private final class NodeState {
        final ExpertNode node;
        volatile boolean healthy = true;
        final AtomicInteger inFlight = new AtomicInteger();
        final CircuitBreaker breaker = new CircuitBreaker(circuitFailures, circuitOpen, nanoClock);
        final Meter gauge;

        NodeState(String expertName, int index, ExpertNode node) {
            this.node = node;
            gauge = Gauge.builder("llmc.circuit.state", breaker, b -> b.state().gaugeValue)
                    .description("circuit breaker of an expert's node: 0 closed, 1 half-open, 2 open")
                    .tags("expert", expertName, "node", Integer.toString(index)).register(meters);
        }
    }

    /** A request in flight to a node; report its outcome to the node's circuit breaker, and close it when it ends. */
    public interface Lease extends AutoCloseable {
        ExpertNode node();

        /** The node's position in its expert's list. */
        int index();

        /** The node answered: closes its breaker. */
        void succeeded();

        /** The node failed (refused, timed out, error status, broken stream): counts towards opening its breaker. */
        void failed();

        /** Takes this expert's node out of rotation until a health check passes (it cannot be reached, or refuses the expert's configuration). */
        void outOfRotation();

        /** Ends the request; without a verdict a half-open probe slot is released for the next request. */
        @Override
        void close();
    }

    @Inject
    NodeHealth(UpstreamConfig config, MeterRegistry meters) {
        this(config.circuitFailures(), config.circuitOpen(), System::nanoTime, meters);
    }

    /** A node table of its own, e.g. for a router under test; the application's is the injected singleton. */
    public NodeHealth(int circuitFailures, Duration circuitOpen, LongSupplier nanoClock, MeterRegistry meters) {
        this.circuitFailures = circuitFailures;
        this.circuitOpen = circuitOpen;
        this.nanoClock = nanoClock;
        this.meters = meters;
    }

    /** Whether the expert's node {@code index} passed its last health check (true when not yet checked). */
    public boolean isHealthy(Expert expert, int index) {
        NodeState state = current(expert, index);
        return state == null || state.healthy;
    }

    /** Healthy and its circuit breaker admits a request. */
    public boolean isAvailable(Expert expert, int index) {
        NodeState state = current(expert, index);
        return state == null || state.healthy && state.breaker.admits();
    }

    /** Whether any of the expert's nodes could take a request now. */
    public boolean hasHealthyNode(Expert expert) {
        for (int i = 0; i < expert.nodes().size(); i++) {
            if (isAvailable(expert, i)) {
                return true;
            }
        }
        return false;
    }

    /** Records a health check's verdict on the expert's node {@code index}. */
    public void record(Expert expert, int index, boolean healthy) {
        state(expert, index).healthy = healthy;
        if (!healthy) {
            suspects.add(new NodeKey(expert.id(), index));
        }
    }

    /**
     * The ids of experts with a node that may be unavailable now: every expert not among them has all its nodes
     * available, so the router checks only these instead of every expert on every turn. Costs the number of such
     * nodes (none while every node is well); nodes that recovered leave the set here.
     */
    public Set<String> expertsWithSuspectNodes() {
        if (suspects.isEmpty()) {
            return Set.of();
        }
        Set<String> experts = new HashSet<>();
        for (NodeKey key : suspects) {
            if (recovered(key)) {
                suspects.remove(key);
                // A failure recorded between the check and the removal added the key before we removed it: restore it.
                if (!recovered(key)) {
                    suspects.add(key);
                    experts.add(key.expertId());
                }
            } else {
                experts.add(key.expertId());
            }
        }
        return experts;
    }

    /** Gone, or healthy with a closed breaker (an open one turns half-open with time alone, a closed one never opens so). */
    private boolean recovered(NodeKey key) {
        NodeState state = nodes.get(key);
        return state == null || state.healthy && state.breaker.state() == CircuitBreaker.State.CLOSED;
    }

    public int inFlight(Expert expert, int index) {
        NodeState state = current(expert, index);
        return state == null ? 0 : state.inFlight.get();
    }

    /** The node's circuit breaker state. */
    CircuitBreaker.State circuit(Expert expert, int index) {
        NodeState state = current(expert, index);
        return state == null ? CircuitBreaker.State.CLOSED : state.breaker.state();
    }

    public Optional<Lease> lease(Expert expert) {
        return lease(expert, Set.of());
    }

    /**
     * Leases the available node (healthy, breaker admitting) whose index is not in {@code excluded} with the lowest load
     * (in flight + 1) / weight, ties broken at random; empty when there is none. Weighted least-in-flight keeps a slow
     * node from piling up requests the way round-robin would.
     */
    public Optional<Lease> lease(Expert expert, Set<Integer> excluded) {
        List<ExpertNode> candidates = expert.nodes();
        while (true) {
            int best = -1;
            double bestLoad = Double.MAX_VALUE;
            int ties = 0;
            for (int i = 0; i < candidates.size(); i++) {
                if (excluded.contains(i) || !isAvailable(expert, i)) {
                    continue;
                }
                double load = (inFlight(expert, i) + 1.0) / candidates.get(i).weight();
                if (load < bestLoad) {
                    best = i;
                    bestLoad = load;
                    ties = 1;
                } else if (load == bestLoad && ThreadLocalRandom.current().nextInt(++ties) == 0) {
                    best = i;  // reservoir sampling: each tied node is equally likely
                }
            }
            if (best < 0) {
                return Optional.empty();
            }
            NodeState state = state(expert, best);
            // Another request may have taken a half-open breaker's single probe since admits() said yes: choose again.
            if (state.breaker.tryAcquire()) {
                state.inFlight.incrementAndGet();
                return Optional.of(new NodeLease(new NodeKey(expert.id(), best), best, state));
            }
        }
    }

    private final class NodeLease implements Lease {
        private final NodeKey key;
        private final int index;
        private final NodeState state;
        private boolean judged;
        private boolean closed;

        NodeLease(NodeKey key, int index, NodeState state) {
            this.key = key;
            this.index = index;
            this.state = state;
        }

        @Override
        public ExpertNode node() {
            return state.node;
        }

        @Override
        public int index() {
            return index;
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
                suspects.add(key);
            }
        }

        @Override
        public void outOfRotation() {
            state.healthy = false;
            suspects.add(key);
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

    /** Forgets the state of nodes that are no longer one of these experts' nodes (retired experts, edited node lists). */
    public void retainOnly(Collection<Expert> experts) {
        Map<String, List<ExpertNode>> current = new HashMap<>();
        experts.forEach(expert -> current.put(expert.id(), expert.nodes()));
        nodes.entrySet().removeIf(entry -> {
            List<ExpertNode> list = current.get(entry.getKey().expertId());
            int index = entry.getKey().index();
            boolean gone = list == null || index >= list.size() || !list.get(index).equals(entry.getValue().node);
            if (gone) {
                meters.remove(entry.getValue().gauge);
            }
            return gone;
        });
    }

    /** The state of the expert's node {@code index}, null when there is none for that node (never checked, or edited since). */
    private NodeState current(Expert expert, int index) {
        NodeState state = nodes.get(new NodeKey(expert.id(), index));
        return state != null && state.node.equals(expert.nodes().get(index)) ? state : null;
    }

    private NodeState state(Expert expert, int index) {
        NodeState existing = current(expert, index);
        if (existing != null) {
            return existing;  // the hot path: no lock
        }
        ExpertNode node = expert.nodes().get(index);
        return nodes.compute(new NodeKey(expert.id(), index), (key, old) -> {
            if (old != null && old.node.equals(node)) {
                return old;
            }
            if (old != null) {
                meters.remove(old.gauge);
            }
            return new NodeState(expert.name(), index, node);
        });
    }
}
