package dev.llmc.gateway.versions;

import dev.llmc.abtest.event.LoggedExposureReader;
import dev.llmc.model.offpolicy.OffPolicyEstimator;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.registry.ExpertCatalog;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;

/**
 * How a controller version would have done on logged traffic: replays every rated exposure that has an
 * embedding, asks the candidate which expert it would have chosen greedily among today's active experts,
 * and weighs the logged reward (rating − 1) / 4 by the inverse of the logged propensity.
 */
@Singleton
final class OfflineEstimates {
    private final ControllerVersions versions;
    private final ExpertCatalog catalog;
    private final DataSource dataSource;

    OfflineEstimates(ControllerVersions versions, ExpertCatalog catalog, DataSource dataSource) {
        this.versions = versions;
        this.catalog = catalog;
        this.dataSource = dataSource;
    }

    OffPolicyEstimator.Estimate estimate(String versionId) {
        Controller candidate = versions.get(versionId);
        List<ExpertProfile> experts = catalog.active().stream()
                .map(expert -> new ExpertProfile(expert.id(), expert.theta()))
                .toList();
        OffPolicyEstimator estimator = new OffPolicyEstimator();
        if (experts.isEmpty()) {
            return estimator.estimate();
        }
        new LoggedExposureReader().forEach(dataSource, Instant.EPOCH, Instant.now(), exposure -> {
            if (!LoggedTrafficExamples.choseByPolicy(exposure) || exposure.rating() == null) {
                return;
            }
            List<ScoredExpert> choice = candidate.rank(exposure.embedding(), experts, 1);
            double reward = (exposure.rating() - 1) / 4.0;
            estimator.add(choice.getFirst().expertId().equals(exposure.expertId()), reward, exposure.propensity());
        });
        return estimator.estimate();
    }
}
