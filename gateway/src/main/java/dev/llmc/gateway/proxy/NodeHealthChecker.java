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
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Probes the nodes of every expert that is not retired ({@code GET <base_url>/models}), in parallel, every
 * {@code llmc.nodes.health-interval}: a failing node leaves its expert's rotation, a recovering one returns, and a
 * pending expert becomes active once one of its nodes passes. Nodes are probed once per distinct base URL and
 * credential ({@link ProbeGroups}) and the verdict applies to each expert's node in that group only: another owner's
 * node on the same server with a different key is judged on its own.
 */
@Singleton
public final class NodeHealthChecker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHealthChecker.class);
    private static final int NAMES_LOGGED = 5;
    private final ExpertCatalog catalog;
    private final ExpertNodeClient client;
    private final NodeHealth health;
    private final SecretCipher cipher;
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    // Credential fingerprints by node URL and sealed key: opening 10,000 sealed keys every interval would be waste.
    private final Map<String, String> credentials = new ConcurrentHashMap<>();

    NodeHealthChecker(ExpertCatalog catalog, ExpertNodeClient client, NodeHealth health, SecretCipher cipher) {
        this.catalog = catalog;
        this.client = client;
        this.health = health;
        this.cipher = cipher;
    }

    @Scheduled(fixedDelay = "${llmc.nodes.health-interval:5s}", initialDelay = "${llmc.nodes.health-interval:5s}")
    void checkAll() {
        List<Expert> live = catalog.live();
        Set<String> seen = new HashSet<>();
        probe(ProbeGroups.of(live, node -> {
            if (node.encryptedApiKey() != null) {
                seen.add(credentialKey(node));
            }
            return credential(node);
        }));
        credentials.keySet().retainAll(seen);
        health.retainOnly(live);
        activateHealthy(live.stream().filter(expert -> expert.status() == ExpertStatus.PENDING).toList());
    }

    /** Probes one expert's nodes now (after registration or a change of nodes) and activates it if it was pending. */
    public Expert check(Expert expert) {
        return check(List.of(expert)).getFirst();
    }

    /**
     * Probes these experts' nodes now, once per distinct URL and credential, and activates the pending ones that passed
     * in one registry write; returns the experts as they are then (activated ones from the refreshed snapshot).
     */
    public List<Expert> check(List<Expert> experts) {
        probe(ProbeGroups.of(experts, this::credential));
        List<Expert> pending = experts.stream().filter(expert -> expert.status() == ExpertStatus.PENDING).toList();
        Set<String> activated = activateHealthy(pending);
        List<Expert> healthy = pending.stream().filter(health::hasHealthyNode).toList();
        if (healthy.isEmpty()) {
            return experts;
        }
        if (activated.size() < healthy.size()) {
            // The periodic check activated some meanwhile; its snapshot reload may not have finished yet.
            try {
                catalog.refresh();
            } catch (RegistryUnavailableException e) {
                return experts;
            }
        }
        Map<String, Expert> live = catalog.live().stream().collect(Collectors.toMap(Expert::id, Function.identity()));
        return experts.stream().map(expert -> expert.status() == ExpertStatus.PENDING ? live.getOrDefault(expert.id(), expert) : expert).toList();
    }

    /** Activates the pending experts with a healthy node; returns the ids activated. */
    private Set<String> activateHealthy(List<Expert> pending) {
        List<Expert> healthy = pending.stream().filter(health::hasHealthyNode).toList();
        if (healthy.isEmpty()) {
            return Set.of();
        }
        try {
            Set<String> activated = catalog.markHealthy(healthy.stream().map(Expert::id).toList());
            List<String> names = healthy.stream().filter(expert -> activated.contains(expert.id())).map(Expert::name).toList();
            if (!names.isEmpty()) {
                LOG.info("{} passed {} first health check: active", names.size() == 1 ? "expert " + names.getFirst()
                        : names.size() + " experts (" + String.join(", ", names.subList(0, Math.min(NAMES_LOGGED, names.size())))
                        + (names.size() > NAMES_LOGGED ? ", …)" : ")"), names.size() == 1 ? "its" : "their");
            }
            return activated;
        } catch (RegistryUnavailableException e) {
            LOG.warn("{} healthy expert(s) could not be activated: {}", healthy.size(), e.getMessage());
            return Set.of();
        }
    }

    /** The node's credential fingerprint: "" without a key, a marker unique to the sealed text when it cannot be opened. */
    private String credential(ExpertNode node) {
        if (node.encryptedApiKey() == null) {
            return "";
        }
        return credentials.computeIfAbsent(credentialKey(node), key -> {
            try {
                return "key:" + cipher.fingerprint(node.encryptedApiKey(), node.baseUrl());
            } catch (UpstreamException e) {
                // Its probe fails (the key cannot be sent); it shares that verdict with no other node.
                return "sealed:" + node.encryptedApiKey();
            }
        });
    }

    private static String credentialKey(ExpertNode node) {
        return node.baseUrl() + " " + node.encryptedApiKey();
    }

    private void probe(Map<ProbeGroups.Target, List<ProbeGroups.Member>> groups) {
        List<Future<Boolean>> results = new ArrayList<>(groups.size());
        List<List<ProbeGroups.Member>> order = new ArrayList<>(groups.values());
        for (List<ProbeGroups.Member> members : order) {
            // Every member sends the same URL and key: any of them stands for the group.
            ExpertNode node = members.getFirst().node();
            results.add(probes.submit(() -> client.probe(node)));
        }
        for (int i = 0; i < order.size(); i++) {
            boolean healthy;
            try {
                healthy = results.get(i).get();
            } catch (ExecutionException e) {
                healthy = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            apply(order.get(i), healthy);
        }
    }

    private void apply(Collection<ProbeGroups.Member> members, boolean healthy) {
        List<String> changed = new ArrayList<>();
        for (ProbeGroups.Member member : members) {
            boolean was = health.isHealthy(member.expert(), member.index());
            health.record(member.expert(), member.index(), healthy);
            if (was != healthy) {
                changed.add(member.expert().name() + " node " + member.index());
            }
        }
        if (!changed.isEmpty()) {
            ExpertNode node = members.iterator().next().node();
            LOG.info("{} of {} ({}{}) {}", changed.size() == 1 ? "node" : changed.size() + " nodes", node.baseUrl(),
                    String.join(", ", changed.subList(0, Math.min(NAMES_LOGGED, changed.size()))),
                    changed.size() > NAMES_LOGGED ? ", …" : "",
                    healthy ? "healthy again: back in rotation" : "unhealthy: out of rotation");
        }
    }

    @Override
    @PreDestroy
    public void close() {
        probes.shutdownNow();
    }
}
