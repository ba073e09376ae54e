package dev.llmc.model.scoring;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.lucene.util.VectorUtil;

/**
 * A set of experts laid out for one controller so that a turn costs only dot products: per head s and expert m a θ row
 * (one float[] per expert, allocated in order so rows sit next to each other on the heap) and a bias, a projection of
 * e(C) to x_C, and the serving score as a function of the head values. The controller does every per-expert
 * precomputation (a new expert's projected content θ included) once here instead of on every turn.
 */
public final class ScoringMatrix {

    /** The serving score from the raw head values r_s(m|C) = θ_{m,s} · x_C + b_{m,s}. */
    @FunctionalInterface
    public interface ServingScore {
        double of(double[] heads);

        /**
         * What the heads predict for the reward linear Thompson sampling learns, the normalised rating (v − 1)/4 ∈ [0, 1],
         * on that scale: its prior mean, which the posteriors' residuals are fitted against. By default the serving score
         * itself (the content-based controller's cosine, roughly on that scale); a controller whose score is on another
         * scale overrides it.
         */
        default double reward(double[] heads) {
            return of(heads);
        }
    }

    private final String[] expertIds;
    private final float[][][] theta;
    private final float[][] bias;
    private final UnaryOperator<float[]> projection;
    private final ServingScore servingScore;
    private final double[] surrogateWeights;
    private final Map<String, Integer> rows;

    /**
     * @param expertIds        the experts in row order
     * @param theta            per head s, per expert m: θ_{m,s}, every row of x_C's dimension
     * @param bias             per head s, per expert m: b_{m,s}
     * @param projection       e(C) → x_C
     * @param servingScore     the score from the head values
     * @param surrogateWeights per head λ_s of the linear surrogate Σ_s λ_s r_s that the approximate index searches:
     *                         the serving score's slope in each head where new experts start, so the surrogate orders
     *                         experts as the score does near there
     */
    public ScoringMatrix(String[] expertIds, float[][][] theta, float[][] bias, UnaryOperator<float[]> projection,
                         ServingScore servingScore, double[] surrogateWeights) {
        if (theta.length != bias.length || theta.length != surrogateWeights.length || theta.length == 0) {
            throw new IllegalArgumentException("theta, bias and surrogate weights need one entry per head");
        }
        for (int s = 0; s < theta.length; s++) {
            if (theta[s].length != expertIds.length || bias[s].length != expertIds.length) {
                throw new IllegalArgumentException("head " + s + " must hold " + expertIds.length + " experts");
            }
        }
        this.expertIds = expertIds;
        this.theta = theta;
        this.bias = bias;
        this.projection = projection;
        this.servingScore = servingScore;
        this.surrogateWeights = surrogateWeights;
        Map<String, Integer> index = HashMap.newHashMap(expertIds.length);
        for (int m = 0; m < expertIds.length; m++) {
            index.put(expertIds[m], m);
        }
        this.rows = index;
    }

    /** The single-head layout score = θ_m · x + b_m with x = e(C), as the content-based controller scores. */
    public static ScoringMatrix linear(String[] expertIds, float[][] theta, float[] bias) {
        return new ScoringMatrix(expertIds, new float[][][] {theta}, new float[][] {bias}, UnaryOperator.identity(),
                heads -> heads[0], new double[] {1});
    }

    public int size() {
        return expertIds.length;
    }

    public String expertId(int row) {
        return expertIds[row];
    }

    /** The row of the expert, or -1 when it is not in this set. */
    public int row(String expertId) {
        return rows.getOrDefault(expertId, -1);
    }

    /** x_C for e(C). */
    public float[] project(float[] conversationEmbedding) {
        return projection.apply(conversationEmbedding);
    }

    /** The serving score of the expert in {@code row} for a projected x_C; scratch holds one double per head. */
    public double score(int row, float[] x, double[] scratch) {
        for (int s = 0; s < theta.length; s++) {
            scratch[s] = VectorUtil.dotProduct(theta[s][row], x) + bias[s][row];
        }
        return servingScore.of(scratch);
    }

    /** The predicted reward ({@link ServingScore#reward}) of the expert in {@code row} for a projected x_C. */
    public double priorReward(int row, float[] x, double[] scratch) {
        for (int s = 0; s < theta.length; s++) {
            scratch[s] = VectorUtil.dotProduct(theta[s][row], x) + bias[s][row];
        }
        return servingScore.reward(scratch);
    }

    public int heads() {
        return theta.length;
    }

    /** The surrogate's vector [Σ_s λ_s θ_{m,s}, Σ_s λ_s b_{m,s}], whose inner product with [x_C, 1] is the surrogate. */
    public float[] surrogate(int row) {
        int dimension = theta[0][row].length;
        float[] vector = new float[dimension + 1];
        for (int s = 0; s < theta.length; s++) {
            float weight = (float) surrogateWeights[s];
            float[] head = theta[s][row];
            for (int j = 0; j < dimension; j++) {
                vector[j] += weight * head[j];
            }
            vector[dimension] += weight * bias[s][row];
        }
        return vector;
    }

    /** The query that pairs with {@link #surrogate}: [x_C, 1]. */
    static float[] surrogateQuery(float[] x) {
        float[] query = Arrays.copyOf(x, x.length + 1);
        query[x.length] = 1;
        return query;
    }
}
