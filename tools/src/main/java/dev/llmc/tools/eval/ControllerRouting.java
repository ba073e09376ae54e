package dev.llmc.tools.eval;

import dev.llmc.model.matrix.RoutingMatrix;

import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.training.ControllerTrainer;
import dev.llmc.model.training.TrainingConfig;
import dev.llmc.model.training.TrainingExample;
import dev.llmc.training.TrainingProgress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains the controller with the production {@link ControllerTrainer} on simulated logs and scores prompts with the
 * trained {@link Controller} exactly as the gateway would ({@code rank} over every pool expert).
 *
 * <p>Content θ: the matrices have no expert descriptions, so every expert gets the same content vector, the
 * normalised mean e(C) of its training prompts. That prior says "no expert is a priori better for any prompt", so
 * every per-prompt preference the controller shows was learned from feedback.
 */
final class ControllerRouting {

    private ControllerRouting() {
    }

    /** A trained controller over a fixed pool, scoring e(C) into one score per pool expert (pool order). */
    record Trained(Controller controller, List<ExpertProfile> profiles, List<String> experts, String description) {

        double[] scores(float[] embedding) {
            List<ScoredExpert> ranking = controller.rank(embedding, profiles, profiles.size());
            Map<String, Double> byId = new HashMap<>();
            for (ScoredExpert s : ranking) {
                byId.put(s.expertId(), s.score());
            }
            double[] scores = new double[experts.size()];
            for (int e = 0; e < scores.length; e++) {
                scores[e] = byId.getOrDefault(experts.get(e), Double.NEGATIVE_INFINITY);
            }
            return scores;
        }
    }

    /** Trains on the logged messages of the given training prompts. */
    static Trained train(RoutingMatrix matrix, List<float[]> embeddings, int[] trainPrompts,
            List<FeedbackSimulator.LoggedFeedback> log, TrainingConfig config, String versionId) {
        List<TrainingExample> examples = new ArrayList<>(log.size());
        int draw = 0;
        for (FeedbackSimulator.LoggedFeedback f : log) {
            // The message id is an opaque log key, never a feature.
            examples.add(new TrainingExample("msg-" + draw++, matrix.experts().get(f.expert()), embeddings.get(f.prompt()),
                    (float) f.propensity(), f.servedAtMillis(), f.rating(), f.retried(), Float.NaN));
        }
        float[] content = meanDirection(embeddings, trainPrompts);
        Map<String, float[]> contentTheta = new LinkedHashMap<>();
        List<ExpertProfile> profiles = new ArrayList<>();
        for (String expert : matrix.experts()) {
            contentTheta.put(expert, content.clone());
            profiles.add(new ExpertProfile(expert, content.clone()));
        }
        // Never stored or served: the encoder id only names where these controllers come from.
        ControllerArtifact artifact = new ControllerTrainer(config).train(versionId, examples, contentTheta,
                "offline-evaluation", TrainingProgress.NONE);
        return new Trained(artifact.controller(), profiles, matrix.experts(), versionId);
    }

    /** normalise(mean of e(C) over the prompts). */
    static float[] meanDirection(List<float[]> embeddings, int[] prompts) {
        int d = embeddings.get(prompts[0]).length;
        double[] sum = new double[d];
        for (int p : prompts) {
            float[] e = embeddings.get(p);
            for (int i = 0; i < d; i++) {
                sum[i] += e[i];
            }
        }
        double norm = 0;
        for (double v : sum) {
            norm += v * v;
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        float[] result = new float[d];
        for (int i = 0; i < d; i++) {
            result[i] = (float) (sum[i] / norm);
        }
        return result;
    }
}
