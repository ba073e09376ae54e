package dev.llmc.model.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import org.apache.lucene.util.VectorUtil;

/**
 * A set of experts laid out for one controller so that a turn costs only dot products: per head s and expert m a θ row
 * (one float[] per expert and head), a scale and a bias, so that the head value is r_s(m|C) = a_{m,s} · (θ_{m,s} · x_C)
 * + b_{m,s}; a projection of e(C) to x_C; and the serving score as a function of the head values. Heads of one expert
 * that share the same θ array (a new expert's content θ, which every head of a trained controller scales) cost one dot
 * product. The controller does every per-expert precomputation (a new expert's projected content θ included) once here
 * instead of on every turn.
 */
public final class ScoringMatrix {

    /** The serving score from the raw head values r_s(m|C). */
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

    /**
     * One head's term of a {@link SeparableScore}: its value as a function of the head value r_s, and whether it rises
     * with r_s (else it falls; a constant does both). Evaluated in floating point the term must keep that direction
     * (compositions of exp, min, +, × and ÷ by constants do), because the exact scan bounds it from table entries.
     */
    public record HeadTerm(DoubleUnaryOperator value, boolean increasing) {
        /** The term r ↦ r. */
        public static final HeadTerm IDENTITY = new HeadTerm(r -> r, true);
    }

    /**
     * A serving score that is a sum of one monotone term per head, Σ_s term_s(r_s), added in head order: a row's score
     * then has an exact upper bound from one table look-up per head, so that {@link ExactScan} evaluates the terms (the
     * exp and sigmoids of a trained controller) only for the few rows that can still enter the top k. {@code reward}
     * gives {@link ServingScore#reward} when the score is not on the reward's scale (null: the score itself).
     */
    public record SeparableScore(List<HeadTerm> terms, ToDoubleFunction<double[]> reward) implements ServingScore {
        /** The content-based controller's score, the single head value itself. */
        public static final SeparableScore LINEAR = new SeparableScore(List.of(HeadTerm.IDENTITY));

        public SeparableScore {
            terms = List.copyOf(terms);
        }

        /** A score on the reward's own scale. */
        public SeparableScore(List<HeadTerm> terms) {
            this(terms, null);
        }

        @Override
        public double reward(double[] heads) {
            return reward == null ? of(heads) : reward.applyAsDouble(heads);
        }

        @Override
        public double of(double[] heads) {
            double score = 0;
            for (int s = 0; s < heads.length; s++) {
                score += terms.get(s).value().applyAsDouble(heads[s]);
            }
            return score;
        }

        /** Whether the score is the single head value (no term to evaluate). */
        boolean linear() {
            return terms.size() == 1 && terms.getFirst() == HeadTerm.IDENTITY;
        }
    }

    private final String[] expertIds;
    private final float[][][] theta;
    private final float[][] scale;
    private final float[][] bias;
    private final int dimension;
    private final UnaryOperator<float[]> projection;
    private final ServingScore servingScore;
    private final double[] surrogateWeights;
    private final Map<String, Integer> rows;

    /**
     * Every scale 1: r_s(m|C) = θ_{m,s} · x_C + b_{m,s}.
     *
     * @see #ScoringMatrix(String[], float[][][], float[][], float[][], UnaryOperator, ServingScore, double[])
     */
    public ScoringMatrix(String[] expertIds, float[][][] theta, float[][] bias, UnaryOperator<float[]> projection,
                         ServingScore servingScore, double[] surrogateWeights) {
        this(expertIds, theta, ones(theta.length, expertIds.length), bias, projection, servingScore, surrogateWeights);
    }

    /**
     * @param expertIds        the experts in row order
     * @param theta            per head s, per expert m: θ_{m,s}, every row of x_C's dimension; heads of an expert may
     *                         share one array, which is then multiplied once per turn
     * @param scale            per head s, per expert m: a_{m,s}
     * @param bias             per head s, per expert m: b_{m,s}
     * @param projection       e(C) → x_C
     * @param servingScore     the score from the head values; a {@link SeparableScore} lets the exact scan skip rows
     * @param surrogateWeights per head λ_s of the linear surrogate Σ_s λ_s r_s that the approximate index searches:
     *                         the serving score's slope in each head where new experts start, so the surrogate orders
     *                         experts as the score does near there
     */
    public ScoringMatrix(String[] expertIds, float[][][] theta, float[][] scale, float[][] bias,
                         UnaryOperator<float[]> projection, ServingScore servingScore, double[] surrogateWeights) {
        if (theta.length != bias.length || theta.length != scale.length || theta.length != surrogateWeights.length
                || theta.length == 0) {
            throw new IllegalArgumentException("theta, scale, bias and surrogate weights need one entry per head");
        }
        if (servingScore instanceof SeparableScore separable && separable.terms().size() != theta.length) {
            throw new IllegalArgumentException("the serving score has " + separable.terms().size() + " terms for "
                    + theta.length + " heads");
        }
        int n = expertIds.length;
        this.dimension = n == 0 ? 0 : theta[0][0].length;
        for (int s = 0; s < theta.length; s++) {
            if (theta[s].length != n || bias[s].length != n || scale[s].length != n) {
                throw new IllegalArgumentException("head " + s + " must hold " + n + " experts");
            }
            for (int m = 0; m < n; m++) {
                if (theta[s][m].length != dimension) {
                    throw new IllegalArgumentException("Expert " + expertIds[m] + " has a θ of dimension "
                            + theta[s][m].length + " but expert " + expertIds[0] + " has " + dimension);
                }
            }
        }
        this.expertIds = expertIds;
        this.theta = theta;
        this.scale = scale;
        this.bias = bias;
        this.projection = projection;
        this.servingScore = servingScore;
        this.surrogateWeights = surrogateWeights;
        Map<String, Integer> index = HashMap.newHashMap(n);
        for (int m = 0; m < n; m++) {
            index.put(expertIds[m], m);
        }
        this.rows = index;
    }

    /** The single-head layout score = θ_m · x + b_m with x = e(C), as the content-based controller scores. */
    public static ScoringMatrix linear(String[] expertIds, float[][] theta, float[] bias) {
        return new ScoringMatrix(expertIds, new float[][][] {theta}, new float[][] {bias}, UnaryOperator.identity(),
                SeparableScore.LINEAR, new double[] {1});
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
        headValues(row, x, scratch);
        return servingScore.of(scratch);
    }

    /** The head values r_s = a_{m,s} θ_{m,s} · x_C + b_{m,s} of the expert in {@code row} into scratch. */
    private void headValues(int row, float[] x, double[] scratch) {
        float dot = 0;
        for (int s = 0; s < theta.length; s++) {
            if (s == 0 || theta[s][row] != theta[s - 1][row]) {
                dot = VectorUtil.dotProduct(theta[s][row], x);
            }
            scratch[s] = scale[s][row] * dot + bias[s][row];
        }
    }

    /** The serving score of one expert for e(C), or null when the expert is not in this set. */
    ScoredExpert scoreOf(float[] conversationEmbedding, String expertId) {
        int row = row(expertId);
        return row < 0 ? null : new ScoredExpert(expertId, score(row, project(conversationEmbedding), new double[heads()]));
    }

    /** The predicted reward ({@link ServingScore#reward}) of the expert in {@code row} for a projected x_C. */
    public double priorReward(int row, float[] x, double[] scratch) {
        headValues(row, x, scratch);
        return servingScore.reward(scratch);
    }

    /** Every expert's predicted reward ({@link ServingScore#reward}) for e(C), in row order. */
    public List<ScoredExpert> priorRewards(float[] conversationEmbedding) {
        float[] x = project(conversationEmbedding);
        double[] scratch = new double[heads()];
        List<ScoredExpert> rewards = new ArrayList<>(size());
        for (int row = 0; row < size(); row++) {
            rewards.add(new ScoredExpert(expertIds[row], priorReward(row, x, scratch)));
        }
        return rewards;
    }

    public int heads() {
        return theta.length;
    }

    /** The surrogate's vector [Σ_s λ_s a_{m,s} θ_{m,s}, Σ_s λ_s b_{m,s}], whose inner product with [x_C, 1] is the surrogate. */
    public float[] surrogate(int row) {
        float[] vector = new float[dimension + 1];
        for (int s = 0; s < theta.length; s++) {
            float weight = (float) (surrogateWeights[s] * scale[s][row]);
            float[] head = theta[s][row];
            for (int j = 0; j < dimension; j++) {
                vector[j] += weight * head[j];
            }
            vector[dimension] += (float) surrogateWeights[s] * bias[s][row];
        }
        return vector;
    }

    /** The query that pairs with {@link #surrogate}: [x_C, 1]. */
    static float[] surrogateQuery(float[] x) {
        float[] query = Arrays.copyOf(x, x.length + 1);
        query[x.length] = 1;
        return query;
    }

    /** The dimension of x_C and of every θ row (0 for no experts). */
    int dimension() {
        return dimension;
    }

    float[] theta(int head, int row) {
        return theta[head][row];
    }

    float scale(int head, int row) {
        return scale[head][row];
    }

    float bias(int head, int row) {
        return bias[head][row];
    }

    ServingScore servingScore() {
        return servingScore;
    }

    /** Whether every head of the expert in {@code row} shares one θ array. */
    boolean shared(int row) {
        for (int s = 1; s < theta.length; s++) {
            if (theta[s][row] != theta[0][row]) {
                return false;
            }
        }
        return true;
    }

    private static float[][] ones(int heads, int experts) {
        float[][] ones = new float[heads][experts];
        for (float[] head : ones) {
            Arrays.fill(head, 1f);
        }
        return ones;
    }
}
