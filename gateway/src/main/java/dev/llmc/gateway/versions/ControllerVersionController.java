package dev.llmc.gateway.versions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.RequiresRole;
import dev.llmc.model.offpolicy.OffPolicyEstimator;
import dev.llmc.model.scoring.ContentBasedController;
import dev.llmc.model.training.DataSufficiency;
import dev.llmc.model.training.TrainingFallback;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.media.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Lists controller versions with their metrics and activates one (rolling back is activating an older one). */
@Controller("/controller/versions")
@RequiresRole(Caller.Role.DATA_SCIENTIST)
@ExecuteOn(TaskExecutors.BLOCKING)
final class ControllerVersionController {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerVersionController.class);
    private final ControllerVersions versions;
    private final ControllerVersionStore store;
    private final ObjectMapper mapper;
    private final OfflineEstimates estimates;

    ControllerVersionController(ControllerVersions versions, ControllerVersionStore store, ObjectMapper mapper,
                                OfflineEstimates estimates) {
        this.versions = versions;
        this.store = store;
        this.mapper = mapper;
        this.estimates = estimates;
    }

    /** One version as listed; {@code content} has no manifest, and versions trained before the check no data check. */
    record VersionView(String id, boolean active, @Nullable Instant createdAt, @Nullable JsonNode manifest,
                       @Nullable DataCheckView dataCheck) {
    }

    /** Whether the version's training data carries its model (see docs/api.md#training). */
    @Schema(name = "TrainingDataCheck")
    record DataCheckView(
            @Schema(description = "both checks pass; a version that fails them is not recommended for activation") boolean sufficient,
            @Schema(description = "k + 1, the parameters each head fits per expert") int parametersPerExpert,
            @Schema(description = "examples each expert needs: 10 per parameter") long neededPerExpert,
            @Nullable String sparsestExpert,
            @Schema(description = "the sparsest expert's examples per parameter") double examplesPerParameter,
            @Schema(description = "the model beat predicting each expert's mean on the hold-out (one-sided 95%)") boolean beatsExpertMeans,
            @Schema(description = "the stored parameters are the expert-means controller train fell back to (the trained model did not beat it on the hold-out)") boolean expertMeansFallback,
            List<String> warnings) {
    }

    /** The list of versions, newest first, with the always-available content-based controller last. */
    record VersionList(String active, List<VersionView> data) {
    }

    @Get
    VersionList list() {
        String activeId = versions.active().version();
        List<VersionView> views = new ArrayList<>();
        for (ControllerVersionStore.StoredVersion stored : store.list()) {
            JsonNode manifest = json(stored.manifestJson());
            views.add(new VersionView(stored.id(), stored.id().equals(activeId), stored.createdAt(), manifest, dataCheck(manifest)));
        }
        views.add(new VersionView(ContentBasedController.VERSION, ContentBasedController.VERSION.equals(activeId), null, null, null));
        return new VersionList(activeId, views);
    }

    /**
     * Data scientists promote and roll back versions (their job after an A/B test), not only admins; every activation
     * is logged with the key that made it.
     */
    @Post("/{id}/activate")
    VersionView activate(String id, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        versions.activate(id);
        LOG.info("controller version '{}' activated by key {} (owner '{}', role {})", id, caller.keyId(), caller.owner(),
                caller.role().wireName());
        return list().data().stream().filter(view -> view.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * How a version would have done on logged, rated traffic (reward (rating − 1) / 4), beside the active version on the
     * same traffic; numbers are null where undefined, intervals are [low, high] at 95%.
     */
    @Schema(name = "OfflineEstimate")
    record OfflineEstimateView(
            @Nullable Double ips, @Nullable Double snips, @Schema(description = "logged, rated decisions replayed") long n,
            @Nullable @Schema(description = "95% delta-method interval of snips over users") List<Double> snipsCi95,
            @Nullable @Schema(description = "Σw/n: the share of the version's choices the logging policy could have made (≈1 when fully covered)") Double coverage,
            @Nullable List<Double> coverageCi95,
            @Schema(description = "logged decisions the version agrees with") long matched,
            @Schema(description = "(Σw)²/Σw², Kish's effective number of decisions behind snips") double effectiveSampleSize,
            @Schema(description = "users the decisions come from") int units,
            @Schema(description = "the logging policy's own mean reward") LoggedView logged,
            @Schema(description = "the active version on the same traffic") PolicyView active,
            @Schema(description = "this version − the active one") ComparisonView versusActive,
            @Nullable @Schema(description = "the logging policy the replay was restricted to (null: every policy)") String policy,
            @Schema(description = "replayed decisions by the policy that logged them (unrecorded: logged before exposures named it)")
            Map<String, Long> loggedPolicies,
            @Schema(description = "the encoder whose exposures were replayed: this gateway's") String encoder,
            @Schema(description = "rated decisions left out because another encoder embedded them, by encoder")
            Map<String, Long> skippedOtherEncoders) {
    }

    /** The logging policy's own (on-policy) mean reward. */
    @Schema(name = "OfflineEstimateLogged")
    record LoggedView(@Nullable Double mean, @Nullable List<Double> ci95) {
    }

    /** Another version's estimates on the same logged traffic. */
    @Schema(name = "OfflineEstimateOfVersion")
    record PolicyView(String version, @Nullable Double ips, @Nullable Double snips, @Nullable List<Double> snipsCi95,
                      @Nullable Double coverage, @Nullable List<Double> coverageCi95, long matched, double effectiveSampleSize) {
    }

    /** Candidate − active SNIPS, its interval, the interval widened by what the log does not cover, and the verdict. */
    @Schema(name = "OfflineEstimateComparison")
    record ComparisonView(@Nullable Double difference, @Nullable List<Double> ci95, @Nullable List<Double> bounds,
                          @Schema(allowableValues = {"better", "worse", "inconclusive", "insufficient_data"}) String verdict,
                          String reason) {
    }

    @Get("/{id}/offline-estimate{?policy}")
    OfflineEstimateView offlineEstimate(String id, @Nullable String policy) {
        OfflineEstimates.Result result = estimates.estimate(id, policy);
        OffPolicyEstimator estimator = result.estimator();
        OffPolicyEstimator.Estimate candidate = estimator.estimate(OfflineEstimates.CANDIDATE);
        OffPolicyEstimator.Estimate active = estimator.estimate(OfflineEstimates.ACTIVE);
        OffPolicyEstimator.Logged logged = estimator.logged();
        OffPolicyEstimator.Comparison comparison = estimator.compare(OfflineEstimates.CANDIDATE, OfflineEstimates.ACTIVE);
        return new OfflineEstimateView(finite(candidate.ips()), finite(candidate.snips()), candidate.n(),
                interval(candidate.snipsCi95()), finite(candidate.coverage()), interval(candidate.coverageCi95()),
                candidate.matched(), candidate.effectiveSampleSize(), candidate.units(),
                new LoggedView(finite(logged.mean()), interval(logged.ci95())),
                new PolicyView(result.activeVersion(), finite(active.ips()), finite(active.snips()), interval(active.snipsCi95()),
                        finite(active.coverage()), interval(active.coverageCi95()), active.matched(), active.effectiveSampleSize()),
                new ComparisonView(finite(comparison.difference()), interval(comparison.ci95()), interval(comparison.bounds()),
                        comparison.verdict().wireName(), comparison.reason()),
                policy, result.loggedPolicies(), result.encoderId(), result.otherEncoders());
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static List<Double> interval(OffPolicyEstimator.Interval interval) {
        return Double.isFinite(interval.low()) && Double.isFinite(interval.high()) ? List.of(interval.low(), interval.high()) : null;
    }

    private static DataCheckView dataCheck(JsonNode manifest) {
        Map<String, Double> metrics = new HashMap<>();
        manifest.path("metrics").properties().forEach(metric -> metrics.put(metric.getKey(), metric.getValue().asDouble()));
        return DataSufficiency.fromMetrics(metrics, manifest.path("holdout_examples").asLong())
                .map(check -> new DataCheckView(check.sufficient(), check.parametersPerExpert(), check.neededPerExpert(),
                        check.sparsestExpert(), check.examplesPerParameter(), check.beatsExpertMeans(),
                        TrainingFallback.storedExpertMeans(metrics), check.warnings()))
                .orElse(null);
    }

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
