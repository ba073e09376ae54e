package dev.llmc.gateway.versions;

import dev.llmc.abtest.event.LoggedExposure;
import dev.llmc.abtest.event.LoggedExposureReader;
import dev.llmc.abtest.experiment.PolicySpec;
import dev.llmc.gateway.api.InvalidRequestException;
import dev.llmc.gateway.routing.RoutePlan;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.offpolicy.OffPolicyEstimator;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.registry.ExpertCatalog;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * How a controller version would have done on logged traffic, beside the active version on the same traffic: replays
 * every rated exposure that has an embedding, asks both which expert they would have chosen greedily among today's
 * active experts, and weighs the logged reward (rating − 1) / 4 by the inverse of the logged propensity. Users are
 * the units of the intervals. Only exposures this gateway's encoder embedded are replayed (a version is served only
 * with its own encoder, and another encoder's e(C) means nothing to it); those of other encoders are counted.
 *
 * <p>Decisions of different logging policies (experiment arms, the exploration policy outside experiments) are pooled
 * as they are: each carries the propensity of the policy that made it, so each term of IPS is unbiased on its own.
 * {@code policy} restricts the replay to one logging policy's decisions.
 */
@Singleton
final class OfflineEstimates {
    static final int CANDIDATE = 0;
    static final int ACTIVE = 1;

    /** What the per-policy counts call exposures logged before exposures named their policy. */
    static final String UNRECORDED_POLICY = "unrecorded";
    /** The logged policies that chose among experts, as exposures name them ({@code pinned} never enters a replay). */
    static final Set<String> LOGGING_POLICIES = Stream.concat(PolicySpec.TYPES.stream(), Stream.of(RoutePlan.LINEAR_THOMPSON))
            .collect(Collectors.toUnmodifiableSet());

    private final ControllerVersions versions;
    private final ExpertCatalog catalog;
    private final DataSource dataSource;
    private final String encoderId;

    OfflineEstimates(ControllerVersions versions, ExpertCatalog catalog, DataSource dataSource, ConversationEncoder encoder) {
        this.versions = versions;
        this.catalog = catalog;
        this.dataSource = dataSource;
        this.encoderId = encoder.encoderId();
    }

    /**
     * The candidate's and the active version's estimates on the same logged traffic; the replayed decisions by logging
     * policy, and the rated decisions left out because another encoder embedded them, by encoder.
     */
    record Result(String activeVersion, OffPolicyEstimator estimator, String encoderId, Map<String, Long> loggedPolicies,
                  Map<String, Long> otherEncoders) {
    }

    /** {@code policy}: replay only the decisions this logging policy made (null: all of them). */
    Result estimate(String versionId, @Nullable String policy) {
        if (policy != null && !LOGGING_POLICIES.contains(policy)) {
            throw InvalidRequestException.invalid("invalid_request", "policy must be one of "
                    + LOGGING_POLICIES.stream().sorted().toList() + ", was '" + policy + "'", "policy");
        }
        Controller candidate = versions.get(versionId);
        Controller active = versions.active();
        List<ExpertProfile> experts = catalog.active().stream()
                .map(expert -> new ExpertProfile(expert.id(), expert.theta()))
                .toList();
        OffPolicyEstimator estimator = new OffPolicyEstimator(2);
        Map<String, Long> loggedPolicies = new TreeMap<>();
        Map<String, Long> otherEncoders = new TreeMap<>();
        if (!experts.isEmpty()) {
            new LoggedExposureReader().forEach(dataSource, Instant.EPOCH, Instant.now(), exposure -> {
                String loggedBy = exposure.policy() == null ? UNRECORDED_POLICY : exposure.policy();
                if (!LoggedTrafficExamples.choseByPolicy(exposure) || exposure.rating() == null
                        || (policy != null && !policy.equals(loggedBy))
                        || !LoggedTrafficExamples.embeddedBy(encoderId, exposure, otherEncoders)) {
                    return;
                }
                loggedPolicies.merge(loggedBy, 1L, Long::sum);
                estimator.add(unit(exposure), (exposure.rating() - 1) / 4.0, exposure.propensity(),
                        chooses(candidate, exposure, experts), chooses(active, exposure, experts));
            });
        }
        return new Result(active.version(), estimator, encoderId, loggedPolicies, otherEncoders);
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
