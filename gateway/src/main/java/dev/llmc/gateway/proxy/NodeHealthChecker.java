package dev.llmc.gateway.proxy;

import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;
import dev.llmc.registry.ExpertNode;
import dev.llmc.registry.ExpertStatus;
import dev.llmc.registry.RegistryUnavailableException;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Probes every node of every expert that is not retired ({@code GET <base_url>/models}), in parallel, every
 * {@code llmc.nodes.health-interval}: a failing node leaves rotation, a recovering one returns, and a pending expert
 * becomes active once one of its nodes passes.
 */
@Singleton
public final class NodeHealthChecker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHealthChecker.class);
    private final ExpertCatalog catalog;
    private final ExpertNodeClient client;
    private final NodeHealth health;
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();

    NodeHealthChecker(ExpertCatalog catalog, ExpertNodeClient client, NodeHealth health) {
        this.catalog = catalog;
        this.client = client;
        this.health = health;
    }

    @Scheduled(fixedDelay = "${llmc.nodes.health-interval:5s}", initialDelay = "${llmc.nodes.health-interval:5s}")
    void checkAll() {
        List<Expert> live = catalog.live();
        Map<String, ExpertNode> nodes = new LinkedHashMap<>();
        live.forEach(expert -> expert.nodes().forEach(node -> nodes.putIfAbsent(node.baseUrl(), node)));
        probe(nodes.values());
        health.retainOnly(nodes.keySet());
        live.stream().filter(expert -> expert.status() == ExpertStatus.PENDING).forEach(this::activateIfHealthy);
    }

    /** Probes one expert's nodes now (after registration or a change of nodes) and activates it if it was pending. */
    public Expert check(Expert expert) {
        probe(expert.nodes());
        if (expert.status() == ExpertStatus.PENDING && activateIfHealthy(expert)) {
            return catalog.get(expert.id());
        }
        return expert;
    }

    private boolean activateIfHealthy(Expert expert) {
        if (!health.hasHealthyNode(expert)) {
            return false;
        }
        try {
            boolean activated = catalog.markHealthy(expert.id());
            if (activated) {
                LOG.info("expert {} passed its first health check: active", expert.name());
            }
            return activated;
        } catch (RegistryUnavailableException e) {
            LOG.warn("expert {} is healthy but could not be activated: {}", expert.name(), e.getMessage());
            return false;
        }
    }

    private void probe(java.util.Collection<ExpertNode> nodes) {
        List<Future<Boolean>> results = new ArrayList<>();
        List<ExpertNode> order = new ArrayList<>(nodes);
        for (ExpertNode node : order) {
            results.add(probes.submit(() -> client.probe(node)));
        }
        for (int i = 0; i < order.size(); i++) {
            ExpertNode node = order.get(i);
            boolean healthy;
            try {
                healthy = results.get(i).get();
            } catch (ExecutionException e) {
                healthy = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            boolean was = health.isHealthy(node);
            health.record(node, healthy);
            if (was != healthy) {
                LOG.info("node {} is {}", node.baseUrl(), healthy ? "healthy again: back in rotation" : "unhealthy: out of rotation");
            }
        }
    }

    @Override
    @PreDestroy
    public void close() {
        probes.shutdownNow();
    }
}
