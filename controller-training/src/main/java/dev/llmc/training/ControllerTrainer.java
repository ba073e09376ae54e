package dev.llmc.training;

import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.model.training.ControllerManifest;
import dev.llmc.model.training.DataSufficiency;
import dev.llmc.model.training.ExpertMeans;
import dev.llmc.model.training.HoldoutMetrics;
import dev.llmc.model.training.TrainingConfig;
import dev.llmc.model.training.TrainingExample;
import dev.llmc.model.training.TrainingFallback;
import dev.llmc.model.training.internal.ControllerParameters;
import dev.llmc.training.internal.TorchControllerFit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Trains a controller with DJL on the PyTorch engine: time-ordered hold-out, fit (see {@link TorchControllerFit} for
 * the losses), hold-out metrics, and an immutable artifact: the trained model, or with
 * {@link TrainingFallback#EXPERT_MEANS} the expert-means controller when the trained model did not beat it on the
 * hold-out.
 */
public final class ControllerTrainer {

    private final TrainingConfig config;
    private final TrainingFallback fallback;

    /** A trainer that stores the trained model whatever its hold-out shows (eval's own selection, benchmarks). */
    public ControllerTrainer(TrainingConfig config) {
        this(config, TrainingFallback.NONE);
    }

    public ControllerTrainer(TrainingConfig config, TrainingFallback fallback) {
        if (config == null || fallback == null) {
            throw new IllegalArgumentException("config and fallback must not be null");
        }
        this.config = config;
        this.fallback = fallback;
    }

    /**
     * Trains a controller on examples. contentTheta maps expertId to e(description) (384-d) for every expert appearing
     * in examples, and may hold others to include in the artifact (they keep their content-based cold start).
     * Examples are ordered by servedAtMillis (then messageId); the newest holdoutFraction is held out and evaluated,
     * and the manifest records the training data range and the hold-out metrics ({@code holdout_*}, absent without a
     * hold-out) beside {@code train_loss}, {@code train_seconds}, {@code train_examples_per_second} and whether the data
     * carries the model ({@link DataSufficiency}: {@code data_*}). With {@link TrainingFallback#EXPERT_MEANS}, unless the
     * trained model beat each expert's shrunk mean on the hold-out ({@link DataSufficiency#beatsExpertMeans()}: not
     * on fewer than 30 held-out examples, nor without any), the artifact holds the {@link ExpertMeans} controller instead, with the same manifest and
     * metrics; {@code fallback_enabled} and {@code fallback_expert_means} record the setting and the outcome, the
     * {@code holdout_*} figures stay the trained model's and {@code holdout_baseline_loss} is the expert means'.
     * encoderId names the encoder every embedding and content θ came from; the artifact is served only with that encoder.
     *
     * @throws IllegalArgumentException if there is nothing to train on, an expert has no content θ, or dimensions differ
     */
    public ControllerArtifact train(String versionId, List<TrainingExample> examples, Map<String, float[]> contentTheta,
            String encoderId, TrainingProgress progress) {
        if (versionId == null || versionId.isBlank()) {
            throw new IllegalArgumentException("versionId must not be blank");
        }
        if (examples == null || examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        List<TrainingExample> ordered = new ArrayList<>(examples);
        ordered.sort(Comparator.comparingLong(TrainingExample::servedAtMillis).thenComparing(TrainingExample::messageId));
        int holdout = (int) Math.floor(ordered.size() * config.holdoutFraction());
        List<TrainingExample> train = ordered.subList(0, ordered.size() - holdout);
        List<TrainingExample> test = ordered.subList(ordered.size() - holdout, ordered.size());
        if (train.isEmpty()) {
            throw new IllegalArgumentException("holdoutFraction " + config.holdoutFraction() + " leaves no training examples");
        }
        int d = train.getFirst().embedding().length;
        // Sorted ids: the artifact's layout does not depend on map iteration order.
        List<String> expertIds = new ArrayList<>(new TreeSet<>(contentTheta.keySet()));
        float[][] content = new float[expertIds.size()][];
        for (int m = 0; m < expertIds.size(); m++) {
            content[m] = contentTheta.get(expertIds.get(m));
            if (content[m] == null || content[m].length != d) {
                throw new IllegalArgumentException("content θ of expert " + expertIds.get(m) + " must have dimension " + d);
            }
        }
        for (TrainingExample example : ordered) {
            if (!contentTheta.containsKey(example.expertId())) {
                throw new IllegalArgumentException("expert " + example.expertId() + " (message " + example.messageId()
                        + ") has no content θ");
            }
        }

        long start = System.nanoTime();
        TorchControllerFit.Result fit = TorchControllerFit.fit(config, train, expertIds, content,
                progress == null ? TrainingProgress.NONE : progress);
        double seconds = (System.nanoTime() - start) / 1e9;

        ControllerParameters parameters = fit.parameters();
        ControllerManifest manifest = new ControllerManifest(versionId, Instant.now(), expertIds, config.k(),
                config.alphaRetry(), config.alphaRating(), config.alphaLength(), config.servingWeightRetry(),
                config.servingWeightRating(), config.servingWeightLength(), train.getFirst().servedAtMillis(),
                train.getLast().servedAtMillis(), train.size(), test.size(), Map.of(), encoderId);
        ControllerArtifact artifact = ControllerArtifact.of(manifest, parameters);
        Map<String, Double> metrics = new HashMap<>();
        metrics.put("train_loss", fit.finalLoss());
        metrics.put("train_seconds", seconds);
        metrics.put("train_examples_per_second", (double) train.size() * config.epochs() / seconds);
        List<ExpertProfile> profiles = new ArrayList<>(expertIds.size());
        for (int m = 0; m < expertIds.size(); m++) {
            profiles.add(new ExpertProfile(expertIds.get(m), content[m]));
        }
        ExpertMeans means = ExpertMeans.fit(train);
        Map<String, Double> holdoutMetrics = HoldoutMetrics.evaluate(artifact, config, profiles, means, test);
        metrics.putAll(holdoutMetrics);
        metrics.putAll(means.metrics());
        DataSufficiency check = DataSufficiency.assess(config, train, test.size(), holdoutMetrics);
        metrics.putAll(check.metrics());
        boolean fallBack = fallback == TrainingFallback.EXPERT_MEANS && !check.beatsExpertMeans();
        metrics.put(TrainingFallback.ENABLED, fallback == TrainingFallback.EXPERT_MEANS ? 1.0 : 0.0);
        metrics.put(TrainingFallback.STORED_EXPERT_MEANS, fallBack ? 1.0 : 0.0);
        return (fallBack ? means.controller(artifact) : artifact).withMetrics(metrics);
    }
}
