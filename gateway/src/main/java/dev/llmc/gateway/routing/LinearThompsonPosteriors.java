package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.ExplorationConfig;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.exploration.LinearPosterior;
import dev.llmc.model.exploration.LinearThompson;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ScoringMatrix;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Linear Thompson sampling's posteriors, one per expert, as this replica has folded them from the shared
 * {@link RewardObservations} log: every replica folds the same rows in the same order, so all agree within one
 * {@code llmc.routing.exploration.refresh}. The model is a residual over the active controller's predicted reward
 * ({@link dev.llmc.model.scoring.ExpertRanking#priorRewards}, on the reward's own scale, not its serving score): the
 * prediction is prior_active(m|C) + xᵀθ_m, so with no observations it is exactly the active controller's prediction,
 * and each observation contributes reward − prior_active(m|C). When another version is activated the log is folded
 * again from the start against it. Requests read an immutable snapshot and never wait for the database; when
 * PostgreSQL is unreachable the last snapshot keeps serving (fail-open).
 */
@Singleton
public final class LinearThompsonPosteriors {
    private static final Logger LOG = LoggerFactory.getLogger(LinearThompsonPosteriors.class);
    private static final int BATCH = 2000;
    private final RewardObservations observations;
    private final ExplorationConfig config;
    private final ServingControllers controllers;
    private final ExpertCatalog catalog;
    private final LinearThompson sampler;
    private final LinearPosterior prior;
    private volatile Folded folded = new Folded("", 0, Map.of());
    private volatile long lastWarning;

    /** The posteriors after folding every observation up to {@code lastId} against {@code controllerVersion}. */
    private record Folded(String controllerVersion, long lastId, Map<String, LinearPosterior> posteriors) {
    }

    LinearThompsonPosteriors(DataSource dataSource, ExplorationConfig config, ServingControllers controllers,
                             ExpertCatalog catalog, ConversationEncoder encoder) {
        this.observations = new RewardObservations(dataSource, encoder.encoderId());
        this.config = config;
        this.controllers = controllers;
        this.catalog = catalog;
        this.sampler = new LinearThompson(config.noise(), config.samples());
        // Only linear Thompson needs the prior (A⁻¹ alone is (d+1)² doubles, 1.2 MB at d = 384).
        this.prior = config.linearThompson() ? LinearPosterior.prior(encoder.dimension() + 1, config.priorPrecision()) : null;
    }

    LinearThompson sampler() {
        return sampler;
    }

    /** The expert's posterior; the prior while the expert has no observation or the active version changed since the last fold. */
    LinearPosterior posterior(String expertId, String controllerVersion) {
        Folded current = folded;
        return current.controllerVersion().equals(controllerVersion) ? current.posteriors().getOrDefault(expertId, prior) : prior;
    }

    /** Observations folded against controllerVersion over all experts: 0 until the first fold against it. */
    public long observations(String controllerVersion) {
        Folded current = folded;
        return current.controllerVersion().equals(controllerVersion)
                ? current.posteriors().values().stream().mapToLong(LinearPosterior::observations).sum() : 0;
    }

    /** Observations folded into the expert's posterior (for tests and operators). */
    public long expertObservations(String expertId) {
        LinearPosterior posterior = folded.posteriors().get(expertId);
        return posterior == null ? 0 : posterior.observations();
    }

    /** Whether posteriors are kept at all: only under {@code llmc.routing.exploration.policy=linear-thompson}. */
    public boolean enabled() {
        return config.linearThompson();
    }

    /**
     * xᵀA⁻¹b of the expert's posterior at e(C): what it has learned on top of controllerVersion's predicted reward, 0
     * while nothing has been folded against that version (the posteriors are residuals over the active version only).
     */
    public double learnedResidual(String expertId, String controllerVersion, float[] embedding) {
        return prior == null ? 0 : posterior(expertId, controllerVersion).meanAt(LinearThompson.features(embedding));
    }

    @Scheduled(fixedDelay = "${llmc.routing.exploration.refresh:1s}", initialDelay = "1s")
    void refresh() {
        if (!config.linearThompson()) {
            return;
        }
        try {
            observations.append();
            fold();
        } catch (SQLException | RuntimeException e) {
            long now = System.currentTimeMillis();
            if (now - lastWarning > 60_000) {
                lastWarning = now;
                LOG.warn("linear Thompson statistics not refreshed, routing on the last ones: {}", e.getMessage());
            }
        }
    }

    private void fold() throws SQLException {
        Controller controller = controllers.active();
        Folded current = folded;
        if (!current.controllerVersion().equals(controller.version())) {
            current = new Folded(controller.version(), 0, Map.of());
        }
        Map<String, Expert> experts = catalog.live().stream().collect(Collectors.toMap(Expert::id, Function.identity()));
        List<RewardObservations.Observation> batch;
        do {
            batch = observations.after(current.lastId(), BATCH);
            if (batch.isEmpty()) {
                break;
            }
            Map<String, List<RewardObservations.Observation>> byExpert = batch.stream()
                    .filter(observation -> experts.containsKey(observation.expertId()))
                    .collect(Collectors.groupingBy(RewardObservations.Observation::expertId));
            Map<String, LinearPosterior> posteriors = new HashMap<>(current.posteriors());
            // Laid out for the experts of this batch only: a few, where the registry may hold thousands.
            ScoringMatrix priors = controller.layout(byExpert.keySet().stream()
                    .map(id -> new ExpertProfile(id, experts.get(id).theta())).toList());
            double[] heads = new double[priors.heads()];
            byExpert.forEach((expertId, rows) -> {
                int row = priors.row(expertId);
                double[][] features = new double[rows.size()][];
                double[] residuals = new double[rows.size()];
                for (int i = 0; i < rows.size(); i++) {
                    float[] embedding = rows.get(i).embedding();
                    features[i] = LinearThompson.features(embedding);
                    residuals[i] = rows.get(i).reward() - priors.priorReward(row, priors.project(embedding), heads);
                }
                posteriors.put(expertId, posteriors.getOrDefault(expertId, prior).with(features, residuals));
            });
            current = new Folded(controller.version(), batch.getLast().id(), Map.copyOf(posteriors));
            folded = current;
        } while (batch.size() == BATCH);
        folded = current;
    }
}
