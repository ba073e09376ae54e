package dev.llmc.gateway.proxy;

import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This replica's view of expert nodes, keyed by base URL (experts served by one server share its state): whether
 * the last health check passed, and how many requests are in flight. A node not yet checked counts as healthy, so a
 * replica that starts, or learns of an expert from another replica, does not drop traffic until its first probe.
 */
@Singleton
public final class NodeHealth {
    private final ConcurrentMap<String, NodeState> nodes = new ConcurrentHashMap<>();

    private static final class NodeState {
        volatile boolean healthy = true;
        final AtomicInteger inFlight = new AtomicInteger();
    }

    /** A request in flight to a node; closing it ends the request. */
    public interface Lease extends AutoCloseable {
        ExpertNode node();

        @Override
        void close();
    }

    public boolean isHealthy(ExpertNode node) {
        NodeState state = nodes.get(node.baseUrl());
        return state == null || state.healthy;
    }

    public boolean hasHealthyNode(Expert expert) {
        return expert.nodes().stream().anyMatch(this::isHealthy);
    }

    public void record(ExpertNode node, boolean healthy) {
        state(node).healthy = healthy;
    }

    public int inFlight(ExpertNode node) {
        NodeState state = nodes.get(node.baseUrl());
        return state == null ? 0 : state.inFlight.get();
    }

    /**
     * Leases the healthy node with the lowest load (in flight + 1) / weight, ties broken at random; empty when no node
     * is healthy. Weighted least-in-flight keeps a slow node from piling up requests the way round-robin would.
     */
    public Optional<Lease> lease(Expert expert) {
        ExpertNode best = null;
        double bestLoad = Double.MAX_VALUE;
        int ties = 0;
        for (ExpertNode node : expert.nodes()) {
            if (!isHealthy(node)) {
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
        ExpertNode chosen = best;
        AtomicInteger inFlight = state(chosen).inFlight;
        inFlight.incrementAndGet();
        return Optional.of(new Lease() {
            private boolean closed;

            @Override
            public ExpertNode node() {
                return chosen;
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    inFlight.decrementAndGet();
                }
            }
        });
    }

    /** Forgets nodes no expert uses any more. */
    public void retainOnly(Collection<String> baseUrls) {
        nodes.keySet().retainAll(baseUrls);
    }

    private NodeState state(ExpertNode node) {
        return nodes.computeIfAbsent(node.baseUrl(), url -> new NodeState());
    }
}
