package dev.llmc.model.training;

import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.model.scoring.ScoringMatrix;
import dev.llmc.model.scoring.ScoringMatrix.HeadTerm;
import dev.llmc.model.scoring.ScoringMatrix.SeparableScore;
import dev.llmc.model.training.internal.ControllerParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained controller's serving maths in plain Java (no engine), immutable and thread-safe.
 *
 * <pre>
 * x_C            = W e(C) / sqrt(‖W e(C)‖² + 1e-12)
 * r_s(m|C)       = θ_{m,s} · x_C + b_{m,s}                 for s ∈ {retry, rating, length}
 * P(retry)       = σ(r_retry)
 * E[stars]       = 1 + 4 σ(r_rating)
 * E[later turns] = exp(min(r_length, 20))
 * score(m|C)     = w_retry · P(retry) + w_rating · E[stars] + w_length · E[later turns]
 * prior reward   = σ(r_rating) = (E[stars] − 1)/4        linear Thompson sampling's prior mean, on the reward's scale
 * </pre>
 * An expert without learned parameters (absent from training) starts from its content θ c_m = e(description) exactly
 * where the training regulariser pulls learned experts: θ_{m,s} = a_s · normalise(W c_m), b_{m,s} = β_s.
 */
final class TrainedController implements Controller {

    /** Best first; equal scores in expertId order so that rankings are reproducible. */
    private static final Comparator<ScoredExpert> RANKING = Comparator.comparingDouble(ScoredExpert::score).reversed()
            .thenComparing(ScoredExpert::expertId);
    private static final double MAX_LOG_LENGTH = 20;
    private static final double EPSILON = 1e-12;

    private final String version;
    private final ControllerParameters parameters;
    private final Map<String, Integer> rows;
    private final double[] servingWeight;
    /** The score from the heads, and the reward predicted on the reward's own scale from the rating head alone. */
    private final SeparableScore servingScore;

    TrainedController(ControllerManifest manifest, ControllerParameters parameters) {
        this.version = manifest.versionId();
        this.parameters = parameters;
        Map<String, Integer> index = new HashMap<>();
        for (int m = 0; m < manifest.expertIds().size(); m++) {
            index.put(manifest.expertIds().get(m), m);
        }
        this.rows = Map.copyOf(index);
        this.servingWeight = new double[] {manifest.servingWeightRetry(), manifest.servingWeightRating(),
                manifest.servingWeightLength()};
        double retry = servingWeight[ControllerParameters.RETRY];
        double rating = servingWeight[ControllerParameters.RATING];
        double length = servingWeight[ControllerParameters.LENGTH];
        // In head order (retry, rating, length), each term monotone in its head with the sign of its weight.
        this.servingScore = new SeparableScore(List.of(
                new HeadTerm(r -> retry * sigmoid(r), retry >= 0),
                new HeadTerm(r -> rating * expectedStars(r), rating >= 0),
                new HeadTerm(r -> length * expectedLength(r), length >= 0)), TrainedController::priorReward);
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public List<ScoredExpert> rank(float[] conversationEmbedding, List<ExpertProfile> experts, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, was " + topK);
        }
        double[] x = project(conversationEmbedding, "the conversation embedding");
        List<ScoredExpert> scored = new ArrayList<>(experts.size());
        double[] raw = new double[ControllerParameters.HEADS];
        for (ExpertProfile expert : experts) {
            heads(expert, x, raw);
            scored.add(new ScoredExpert(expert.expertId(), score(raw)));
        }
        scored.sort(RANKING);
        return scored.size() > topK ? List.copyOf(scored.subList(0, topK)) : scored;
    }

    @Override
    public ScoringMatrix layout(List<ExpertProfile> experts) {
        int n = experts.size();
        int k = parameters.k();
        String[] ids = new String[n];
        float[][][] theta = new float[ControllerParameters.HEADS][n][];
        float[][] scale = new float[ControllerParameters.HEADS][n];
        float[][] bias = new float[ControllerParameters.HEADS][n];
        for (int m = 0; m < n; m++) {
            ExpertProfile expert = experts.get(m);
            ids[m] = expert.expertId();
            Integer row = rows.get(expert.expertId());
            // A new expert's heads are a_s · (normalise(W c_m) · x) + β_s (cold start, as in heads()): one shared θ.
            float[] contentX = row != null ? null : toFloats(project(requireContent(expert), "the content θ of expert " + expert.expertId()));
            for (int s = 0; s < ControllerParameters.HEADS; s++) {
                if (row != null) {
                    theta[s][m] = Arrays.copyOfRange(parameters.theta()[s], row * k, (row + 1) * k);
                    scale[s][m] = 1;
                    bias[s][m] = parameters.bias()[s][row];
                } else {
                    theta[s][m] = contentX;
                    scale[s][m] = parameters.contentScale()[s];
                    bias[s][m] = parameters.priorBias()[s];
                }
            }
        }
        return new ScoringMatrix(ids, theta, scale, bias, e -> toFloats(project(e, "the conversation embedding")),
                servingScore, surrogateWeights());
    }

    /**
     * The serving score's slope in each head at the cold-start point r_s = β_s: the linear surrogate the approximate
     * index searches orders experts as the score does near where new experts start.
     */
    private double[] surrogateWeights() {
        double retry = sigmoid(parameters.priorBias()[ControllerParameters.RETRY]);
        double rating = sigmoid(parameters.priorBias()[ControllerParameters.RATING]);
        double length = parameters.priorBias()[ControllerParameters.LENGTH];
        return new double[] {
                servingWeight[ControllerParameters.RETRY] * retry * (1 - retry),
                servingWeight[ControllerParameters.RATING] * 4 * rating * (1 - rating),
                servingWeight[ControllerParameters.LENGTH] * (length < MAX_LOG_LENGTH ? Math.exp(length) : 0)};
    }

    private float[] requireContent(ExpertProfile expert) {
        if (expert.contentTheta() == null) {
            throw new IllegalArgumentException("expert " + expert.expertId() + " is new to controller " + version
                    + " and has no content θ");
        }
        return expert.contentTheta();
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    /** The raw head values r_s(m|C) for the expert: learned parameters, else its content θ (cold start). */
    void heads(ExpertProfile expert, double[] x, double[] raw) {
        Integer row = rows.get(expert.expertId());
        int k = parameters.k();
        if (row != null) {
            for (int s = 0; s < ControllerParameters.HEADS; s++) {
                float[] theta = parameters.theta()[s];
                double dot = 0;
                for (int j = 0, at = row * k; j < k; j++, at++) {
                    dot += (double) theta[at] * x[j];
                }
                raw[s] = dot + parameters.bias()[s][row];
            }
        } else {
            double[] contentX = project(requireContent(expert), "the content θ of expert " + expert.expertId());
            double similarity = 0;
            for (int j = 0; j < k; j++) {
                similarity += contentX[j] * x[j];
            }
            for (int s = 0; s < ControllerParameters.HEADS; s++) {
                raw[s] = parameters.contentScale()[s] * similarity + parameters.priorBias()[s];
            }
        }
    }

    /** score = Σ_s w_s · head_s from the raw head values. */
    double score(double[] raw) {
        return servingScore.of(raw);
    }

    /**
     * The reward linear Thompson sampling learns, (v − 1)/4 for a rating v, as the rating head predicts it:
     * σ(r_rating) = (E[stars] − 1)/4. Not the serving score, which weighs E[stars] on the 1–5 scale with P(retry) and
     * E[later turns]: a residual over that would have to absorb an offset of about −3.
     */
    static double priorReward(double[] raw) {
        return sigmoid(raw[ControllerParameters.RATING]);
    }

    /** x = normalise(W v) for a d-dimensional v. */
    double[] project(float[] v, String what) {
        int d = parameters.dimension();
        int k = parameters.k();
        if (v.length != d) {
            throw new IllegalArgumentException(what + " has dimension " + v.length + ", controller " + version
                    + " expects " + d);
        }
        float[] w = parameters.projection();
        double[] z = new double[k];
        for (int i = 0; i < d; i++) {
            double vi = v[i];
            if (vi == 0) {
                continue;
            }
            for (int j = 0, at = i * k; j < k; j++, at++) {
                z[j] += vi * w[at];
            }
        }
        double norm = 0;
        for (double zj : z) {
            norm += zj * zj;
        }
        double inverse = 1 / Math.sqrt(norm + EPSILON);
        for (int j = 0; j < k; j++) {
            z[j] *= inverse;
        }
        return z;
    }

    static double sigmoid(double r) {
        return 1 / (1 + Math.exp(-r));
    }

    static double expectedStars(double r) {
        return 1 + 4 * sigmoid(r);
    }

    static double expectedLength(double r) {
        return Math.exp(Math.min(r, MAX_LOG_LENGTH));
    }
}
