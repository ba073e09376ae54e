package dev.llmc.gateway.versions;

import dev.llmc.abtest.event.LoggedExposure;
import dev.llmc.abtest.event.LoggedExposureReader;
import dev.llmc.model.offpolicy.OffPolicyEstimator;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.registry.ExpertCatalog;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;

/**
 * How a controller version would have done on logged traffic, beside the active version on the same traffic: replays
 * every rated exposure that has an embedding, asks both which expert they would have chosen greedily among today's
 * active experts, and weighs the logged reward (rating − 1) / 4 by the inverse of the logged propensity. Users are
 * the units of the intervals.
 */
@Singleton
final class OfflineEstimates {
    static final int CANDIDATE = 0;
    static final int ACTIVE = 1;

    private final ControllerVersions versions;
    private final ExpertCatalog catalog;
    private final DataSource dataSource;

    OfflineEstimates(ControllerVersions versions, ExpertCatalog catalog, DataSource dataSource) {
        this.versions = versions;
        this.catalog = catalog;
        this.dataSource = dataSource;
    }

    /** The candidate's and the active version's estimates on the same logged traffic. */
    record Result(String activeVersion, OffPolicyEstimator estimator) {
    }

    Result estimate(String versionId) {
        Controller candidate = versions.get(versionId);
        Controller active = versions.active();
        List<ExpertProfile> experts = catalog.active().stream()
                .map(expert -> new ExpertProfile(expert.id(), expert.theta()))
                .toList();
        OffPolicyEstimator estimator = new OffPolicyEstimator(2);
        if (!experts.isEmpty()) {
            new LoggedExposureReader().forEach(dataSource, Instant.EPOCH, Instant.now(), exposure -> {
                if (!LoggedTrafficExamples.choseByPolicy(exposure) || exposure.rating() == null) {
                    return;
                }
                estimator.add(unit(exposure), (exposure.rating() - 1) / 4.0, exposure.propensity(),
                        chooses(candidate, exposure, experts), chooses(active, exposure, experts));
            });
        }
        return new Result(active.version(), estimator);
    }

    private static boolean chooses(Controller controller, LoggedExposure exposure, List<ExpertProfile> experts) {
        return controller.rank(exposure.embedding(), experts, 1).getFirst().expertId().equals(exposure.expertId());
    }

    /** A user's turns are correlated (one person's taste); without a user id the conversation is the unit. */
    private static String unit(LoggedExposure exposure) {
        if (exposure.userId() != null) {
            return "u:" + exposure.userId();
        }
        return exposure.conversationId() != null ? "c:" + exposure.conversationId() : "m:" + exposure.messageId();
    }
}
