package dev.llmc.tools.simulate;

import dev.llmc.gateway.versions.ControllerVersionStore;
import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.matrix.RoutingMatrix;
import dev.llmc.model.scoring.ContentBasedController;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.model.training.TrainingFallback;
import dev.llmc.registry.Expert;
import dev.llmc.registry.JdbcExpertRegistry;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores a controller version on the evaluation prompts as the gateway's greedy path would route them: each prompt a
 * one-turn conversation embedded exactly as the gateway embeds it (the embeddings are given), ranked by the version
 * loaded from the gateway's own PostgreSQL over the registered experts and their stored θ, top-1 taken. No
 * exploration, no cold-start share, no stickiness. The value is the mean true label of the chosen experts.
 */
final class GreedyEvaluation {
    private final DataSource dataSource;
    private final String thetaEncoder;
    private final RoutingMatrix matrix;
    private final int[] prompts;
    private final List<float[]> embeddings;
    /** Registry id → matrix column. */
    private final Map<String, Integer> columns;

    /**
     * expertColumns: expert name → matrix column; embeddings: e(C) of each evaluation prompt, in the order of prompts.
     */
    GreedyEvaluation(DataSource dataSource, EncoderModel encoder, RoutingMatrix matrix, int[] prompts, List<float[]> embeddings,
            Map<String, Integer> expertColumns) {
        this.dataSource = dataSource;
        this.thetaEncoder = encoder.id();
        this.matrix = matrix;
        this.prompts = prompts;
        this.embeddings = embeddings;
        this.columns = new HashMap<>();
        for (Expert expert : new JdbcExpertRegistry(dataSource, thetaEncoder).findAll()) {
            Integer column = expertColumns.get(expert.name());
            if (column != null) {
                columns.put(expert.id(), column);
            }
        }
    }

    /**
     * A version's score: the mean label of the expert it picks greedily on each evaluation prompt, how many prompts each
     * expert (model name) got, most first, whether the version is the expert-means controller train fell back to, and
     * the trained model's hold-out improvement over the expert means in standard errors (null without one).
     */
    record Score(double utility, Map<String, Integer> served, boolean expertMeans, Double holdoutZ) {
    }

    /** Mean label of the expert the version picks greedily on each evaluation prompt. */
    double utility(String version) {
        return score(version).utility();
    }

    Score score(String version) {
        ControllerArtifact artifact = version.equals(ContentBasedController.VERSION) ? null
                : ControllerArtifact.fromBytes(new ControllerVersionStore(dataSource).artifact(version)
                        .orElseThrow(() -> new IllegalStateException("no controller version " + version)));
        Controller controller = artifact == null ? new ContentBasedController() : artifact.controller();
        List<ExpertProfile> profiles = new ArrayList<>();
        for (Expert expert : new JdbcExpertRegistry(dataSource, thetaEncoder).findAll()) {
            if (columns.containsKey(expert.id())) {
                profiles.add(new ExpertProfile(expert.id(), expert.theta()));
            }
        }
        double total = 0;
        Map<String, Integer> served = new TreeMap<>();
        for (int i = 0; i < prompts.length; i++) {
            int column = columns.get(controller.rank(embeddings.get(i), profiles, 1).getFirst().expertId());
            total += matrix.label(prompts[i], column);
            served.merge(matrix.experts().get(column), 1, Integer::sum);
        }
        Map<String, Integer> mostFirst = new LinkedHashMap<>();
        served.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(entry -> mostFirst.put(entry.getKey(), entry.getValue()));
        Map<String, Double> metrics = artifact == null ? Map.of() : artifact.manifest().metrics();
        return new Score(total / prompts.length, mostFirst, TrainingFallback.storedExpertMeans(metrics),
                metrics.get("holdout_loss_improvement_z"));
    }
}
