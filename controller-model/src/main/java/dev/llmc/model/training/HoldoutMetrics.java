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
 */
public final class HoldoutMetrics {

    private HoldoutMetrics() {
    }

    /** The metrics of the artifact's serving maths on the hold-out examples (empty without any). */
    public static Map<String, Double> evaluate(ControllerArtifact artifact, TrainingConfig config, List<ExpertProfile> experts,
            List<TrainingExample> holdout) {
        TrainedController controller = artifact.trainedController();
        Map<String, Double> metrics = new HashMap<>();
        if (holdout.isEmpty()) {
            return metrics;
        }
        Map<String, ExpertProfile> byId = new HashMap<>();
        for (ExpertProfile expert : experts) {
            byId.put(expert.expertId(), expert);
        }
        double retryLoss = 0;
        double retries = 0;
        double ratingSquares = 0;
        double ratingLoss = 0;
        double ratingSum = 0;
        long rated = 0;
        double lengthErrors = 0;
        double lengthLoss = 0;
        long lengths = 0;
        long agreements = 0;
        double snipsWeight = 0;
        double snipsRetry = 0;
        double snipsRatedWeight = 0;
        double snipsRating = 0;
        double[] raw = new double[ControllerParameters.HEADS];
        double[] candidate = new double[ControllerParameters.HEADS];
        for (TrainingExample example : holdout) {
            double[] x = controller.project(example.embedding(), "the embedding of message " + example.messageId());
            controller.heads(byId.get(example.expertId()), x, raw);

            double retried = example.retried() ? 1 : 0;
            retryLoss += softplus(raw[ControllerParameters.RETRY]) - retried * raw[ControllerParameters.RETRY];
            retries += retried;
            if (example.hasRating()) {
                double target = (example.rating() - 1) / 4.0;
                ratingLoss += softplus(raw[ControllerParameters.RATING]) - target * raw[ControllerParameters.RATING];
                double error = TrainedController.expectedStars(raw[ControllerParameters.RATING]) - example.rating();
                ratingSquares += error * error;
                ratingSum += example.rating();
                rated++;
            }
            if (example.hasConversationLength()) {
                double predicted = TrainedController.expectedLength(raw[ControllerParameters.LENGTH]);
                lengthLoss += predicted - example.conversationLength() * raw[ControllerParameters.LENGTH];
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
        double loss = config.alphaRetry() * retryLoss / n;
        metrics.put("holdout_retry_log_loss", retryLoss / n);
        metrics.put("holdout_retry_rate", retries / n);
        if (rated > 0) {
            loss += config.alphaRating() * ratingLoss / rated;
            metrics.put("holdout_rating_rmse", Math.sqrt(ratingSquares / rated));
            metrics.put("holdout_rating", ratingSum / rated);
        }
        if (lengths > 0) {
            loss += config.alphaLength() * lengthLoss / lengths;
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

    private static double softplus(double r) {
        return Math.max(r, 0) + Math.log1p(Math.exp(-Math.abs(r)));
    }
}
