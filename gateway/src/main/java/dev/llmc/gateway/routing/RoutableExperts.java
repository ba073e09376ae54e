package dev.llmc.gateway.routing;

import dev.llmc.gateway.proxy.NodeHealth;
import dev.llmc.registry.ActiveExperts;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The experts a turn may be routed to (active, with a node that could take the request) and which of them are new
 * (cold start), derived again only when the registry snapshot, the feedback counts or the set of experts without an
 * available node changed. A turn then costs the experts that have a suspect node (none while every node is well), not
 * a pass over every expert, and gets the same list objects as the turn before, which {@link PreparedRankings}
 * recognises at once.
 */
final class RoutableExperts {
    /**
     * What one turn routes among: {@code experts} (the snapshot's active experts without {@code unavailable}, in the
     * snapshot's order) and {@code newExperts} (those of them with little feedback), with the snapshot's lookups.
     */
    record Routable(ActiveExperts active, Set<String> unavailable, FeedbackCounts.Counts counts, List<Expert> experts,
                    List<Expert> newExperts) {
    }

    private final ExpertCatalog catalog;
    private final NodeHealth health;
    private final FeedbackCounts feedback;
    private volatile Routable last;

    RoutableExperts(ExpertCatalog catalog, NodeHealth health, FeedbackCounts feedback) {
        this.catalog = catalog;
        this.health = health;
        this.feedback = feedback;
    }

    Routable current() {
        ActiveExperts active = catalog.activeExperts();
        FeedbackCounts.Counts counts = feedback.current();
        Set<String> unavailable = unavailable(active);
        Routable previous = last;
        if (previous != null && previous.active() == active && previous.counts() == counts
                && previous.unavailable().equals(unavailable)) {
            return previous;
        }
        List<Expert> experts = unavailable.isEmpty() ? active.list()
                : active.list().stream().filter(expert -> !unavailable.contains(expert.id())).toList();
        Routable routable = new Routable(active, unavailable, counts, experts,
                experts.stream().filter(expert -> counts.isNew(expert.id())).toList());
        last = routable;
        return routable;
    }

    /** The active experts without a node that could take a request now: only experts with a suspect node can be. */
    private Set<String> unavailable(ActiveExperts active) {
        Set<String> suspects = health.expertsWithSuspectNodes();
        if (suspects.isEmpty()) {
            return Set.of();
        }
        Set<String> unavailable = new HashSet<>();
        for (String id : suspects) {
            Expert expert = active.byId(id);
            if (expert != null && !health.hasHealthyNode(expert)) {
                unavailable.add(id);
            }
        }
        return unavailable;
    }
}
