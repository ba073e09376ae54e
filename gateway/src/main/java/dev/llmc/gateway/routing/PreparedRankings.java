package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.ScoringIndexConfig;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ExpertRanking;
import dev.llmc.registry.Expert;
import jakarta.inject.Singleton;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller's ranking of the routable experts, prepared once and reused while neither the controller nor the set
 * of routable experts changes: a turn then costs the scan (or the index search) only, not laying out every expert.
 */
@Singleton
final class PreparedRankings {
    private record Prepared(Controller controller, List<Expert> experts, ExpertRanking ranking) {
    }

    private final ScoringIndexConfig config;
    /** One per controller version, so that experiment arms pinning different versions do not rebuild each other's. */
    private final Map<String, Prepared> byVersion = new ConcurrentHashMap<>();

    PreparedRankings(ScoringIndexConfig config) {
        this.config = config;
    }

    /** The ranking of {@code experts} (in this order) by {@code controller}, rebuilt when the experts differ from that version's last ones. */
    ExpertRanking of(Controller controller, List<Expert> experts) {
        Prepared current = byVersion.get(controller.version());
        if (current != null && current.controller == controller) {
            if (sameObjects(current.experts, experts)) {
                return current.ranking;
            }
            // A registry reload (every llmc.routing.registry-refresh) re-creates equal Expert objects: keep the ranking.
            if (sameScoring(current.experts, experts)) {
                byVersion.put(controller.version(), new Prepared(controller, experts, current.ranking));
                return current.ranking;
            }
        }
        List<ExpertProfile> profiles = experts.stream().map(expert -> new ExpertProfile(expert.id(), expert.theta())).toList();
        Prepared prepared = new Prepared(controller, experts, controller.prepare(profiles, config.settings()));
        byVersion.put(controller.version(), prepared);
        return prepared.ranking;
    }

    /** Element identity: the registry snapshot's Expert objects are reused until a reload replaces them. */
    private static boolean sameObjects(List<Expert> a, List<Expert> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** The same experts in the same order with the same content θ: what the ranking was prepared from. */
    private static boolean sameScoring(List<Expert> a, List<Expert> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).id().equals(b.get(i).id()) || !Arrays.equals(a.get(i).theta(), b.get(i).theta())) {
                return false;
            }
        }
        return true;
    }
}
