package dev.llmc.model.training;

import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.training.internal.ControllerParameters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hold-out metrics of a trained controller, computed with the serving maths.
 *
 * <p>Per-head fit on the logged expert: {@code holdout_loss} (α-weighted, as in training, unweighted by propensity),
 * {@code holdout_retry_log_loss}, {@code holdout_rating_rmse} (stars), {@code holdout_length_mae} (turns). Routing:
 * {@code holdout_greedy_agreement} (share whose top-ranked expert is the logged one), and self-normalised
 * inverse-propensity estimates of what greedy routing would have got, {@code holdout_retry_rate_greedy_snips} and
 * {@code holdout_rating_greedy_snips}, beside the logged {@code holdout_retry_rate} and {@code holdout_rating}.
 *
 * <p>Against a baseline that ignores the conversation and predicts each expert's shrunk training mean of every signal
 * ({@link ExpertMeans}, the controller training falls back to): {@code holdout_baseline_loss} (as {@code holdout_loss}),
 * and per held-out example the α-weighted loss of the baseline minus the model's, its mean
 * {@code holdout_loss_improvement}, standard error {@code holdout_loss_improvement_se} and their ratio
 * {@code holdout_loss_improvement_z} ({@link DataSufficiency} tests it).
 */
public final class HoldoutMetrics {

    static final String IMPROVEMENT = "holdout_loss_improvement";
    static final String IMPROVEMENT_SE = "holdout_loss_improvement_se";
    static final String IMPROVEMENT_Z = "holdout_loss_improvement_z";
    private static final int HEADS = ControllerParameters.HEADS;

    private HoldoutMetrics() {
    }

    /**
     * The metrics of the artifact's serving maths on the hold-out examples (empty without any), against the expert
     * means fitted on the training examples.
     */
    public static Map<String, Double> evaluate(ControllerArtifact artifact, TrainingConfig config, List<ExpertProfile> experts,
            ExpertMeans means, List<TrainingExample> holdout) {
        TrainedController controller = artifact.trainedController();
        Map<String, Double> metrics = new HashMap<>();
        if (holdout.isEmpty()) {
            return metrics;
        }
        Map<String, ExpertProfile> byId = new HashMap<>();
        for (ExpertProfile expert : experts) {
            byId.put(expert.expertId(), expert);
        }
        double[] modelLoss = new double[HEADS];
        double retries = 0;
        double ratingSquares = 0;
        double ratingSum = 0;
        long rated = 0;
        double lengthErrors = 0;
        long lengths = 0;
        long agreements = 0;
        double snipsWeight = 0;
        double snipsRetry = 0;
        double snipsRatedWeight = 0;
        double snipsRating = 0;
        double[] raw = new double[ControllerParameters.HEADS];
        double[] candidate = new double[ControllerParameters.HEADS];
        double[] baselineLoss = new double[HEADS];
        double[] alpha = {config.alphaRetry(), config.alphaRating(), config.alphaLength()};
        double improvements = 0;
        double improvementSquares = 0;
        for (TrainingExample example : holdout) {
            double[] x = controller.project(example.embedding(), "the embedding of message " + example.messageId());
            controller.heads(byId.get(example.expertId()), x, raw);
            double[] modelLosses = losses(example, raw);
            double[] baselineLosses = losses(example, means.raw(example.expertId()));
            double improvement = 0;
            for (int s = 0; s < HEADS; s++) {
                modelLoss[s] += modelLosses[s];
                baselineLoss[s] += baselineLosses[s];
                improvement += alpha[s] * (baselineLosses[s] - modelLosses[s]);
            }
            improvements += improvement;
            improvementSquares += improvement * improvement;

            double retried = example.retried() ? 1 : 0;
            retries += retried;
            if (example.hasRating()) {
                double error = TrainedController.expectedStars(raw[ControllerParameters.RATING]) - example.rating();
                ratingSquares += error * error;
                ratingSum += example.rating();
                rated++;
            }
            if (example.hasConversationLength()) {
                double predicted = TrainedController.expectedLength(raw[ControllerParameters.LENGTH]);
                lengthErrors += Math.abs(predicted - example.conversationLength());
                lengths++;
            }

            String best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (ExpertProfile expert : experts) {
                controller.heads(expert, x, candidate);
                double score = controller.score(candidate);
                if (score > bestScore || (score == bestScore && expert.expertId().compareTo(best) < 0)) {
                    best = expert.expertId();
                    bestScore = score;
                }
            }
            if (example.expertId().equals(best)) {
                agreements++;
                double weight = 1.0 / example.propensity();
                snipsWeight += weight;
                snipsRetry += weight * retried;
                if (example.hasRating()) {
                    snipsRatedWeight += weight;
                    snipsRating += weight * example.rating();
                }
            }
        }
        int n = holdout.size();
        double[] signals = {n, rated, lengths};
        double loss = 0;
        double baseline = 0;
        for (int s = 0; s < HEADS; s++) {
            if (signals[s] > 0) {
                loss += alpha[s] * modelLoss[s] / signals[s];
                baseline += alpha[s] * baselineLoss[s] / signals[s];
            }
        }
        metrics.put("holdout_baseline_loss", baseline);
        double meanImprovement = improvements / n;
        metrics.put(IMPROVEMENT, meanImprovement);
        if (n > 1) {
            double variance = (improvementSquares - n * meanImprovement * meanImprovement) / (n - 1);
            double se = Math.sqrt(Math.max(0, variance) / n);
            metrics.put(IMPROVEMENT_SE, se);
            if (se > 0) {
                metrics.put(IMPROVEMENT_Z, meanImprovement / se);
            }
        }
        metrics.put("holdout_retry_log_loss", modelLoss[ControllerParameters.RETRY] / n);
        metrics.put("holdout_retry_rate", retries / n);
        if (rated > 0) {
            metrics.put("holdout_rating_rmse", Math.sqrt(ratingSquares / rated));
            metrics.put("holdout_rating", ratingSum / rated);
        }
        if (lengths > 0) {
            metrics.put("holdout_length_mae", lengthErrors / lengths);
        }
        metrics.put("holdout_loss", loss);
        metrics.put("holdout_greedy_agreement", (double) agreements / n);
        if (snipsWeight > 0) {
            metrics.put("holdout_retry_rate_greedy_snips", snipsRetry / snipsWeight);
        }
        if (snipsRatedWeight > 0) {
            metrics.put("holdout_rating_greedy_snips", snipsRating / snipsRatedWeight);
        }
        return metrics;
    }

    /** Per head, the example's loss under raw head values r (0 where it lacks the signal), as training defines it. */
    private static double[] losses(TrainingExample example, double[] raw) {
        double[] losses = new double[HEADS];
        double retry = raw[ControllerParameters.RETRY];
        losses[ControllerParameters.RETRY] = softplus(retry) - (example.retried() ? retry : 0);
        if (example.hasRating()) {
            double rating = raw[ControllerParameters.RATING];
            losses[ControllerParameters.RATING] = softplus(rating) - (example.rating() - 1) / 4.0 * rating;
        }
        if (example.hasConversationLength()) {
            double length = raw[ControllerParameters.LENGTH];
            losses[ControllerParameters.LENGTH] = TrainedController.expectedLength(length) - example.conversationLength() * length;
        }
        return losses;
    }

    private static double softplus(double r) {
        return Math.max(r, 0) + Math.log1p(Math.exp(-Math.abs(r)));
    }
}
