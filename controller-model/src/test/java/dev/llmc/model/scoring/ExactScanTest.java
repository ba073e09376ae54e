package dev.llmc.model.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmc.model.scoring.ScoringMatrix.HeadTerm;
import dev.llmc.model.scoring.ScoringMatrix.SeparableScore;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The exact scan's shortcuts (columns, one product for shared heads, rows skipped by their bound) change no ranking. */
class ExactScanTest {
    private static final int HEADS = 3;
    /** A trained controller's terms: −2·σ(r₀) + 1·(1 + 4σ(r₁)) + 0.1·exp(min(r₂, 20)), the first one falling. */
    private static final SeparableScore TRAINED_LIKE = new SeparableScore(List.of(
            new HeadTerm(r -> -2 * sigmoid(r), false),
            new HeadTerm(r -> 1 * (1 + 4 * sigmoid(r)), true),
            new HeadTerm(r -> 0.1 * Math.exp(Math.min(r, 20)), true)));

    @ParameterizedTest(name = "θ of dimension {0}")
    @ValueSource(ints = {16, 200})
    void skippingRowsByTheirBoundChangesNoRanking(int dimension) {
        Random random = new Random(11);
        ScoringMatrix matrix = randomMatrix(random, 3_000, dimension);
        ExactScan exact = new ExactScan(matrix);
        double[] scratch = new double[HEADS];

        for (int q = 0; q < 30; q++) {
            // Every third x is longer than 1, so its head values fall outside the bound tables and every row is scored.
            float[] x = scaled(ExpertRankingTest.unit(random, dimension), q % 3 == 0 ? 4 : 1);
            List<ScoredExpert> everyRow = exact.rank(x, matrix.size());
            for (int topK : new int[] {1, 10, 100}) {
                // Lucene's dot product (the long rows) may round differently once the JIT compiles it: ids exactly, scores closely.
                List<ScoredExpert> top = exact.rank(x, topK);
                assertEquals(ExpertRankingTest.ids(everyRow.subList(0, topK)), ExpertRankingTest.ids(top), "query " + q + ", top " + topK);
                for (ScoredExpert scored : top) {
                    double reference = matrix.score(matrix.row(scored.expertId()), x, scratch);
                    assertEquals(reference, scored.score(), 1e-5 * Math.max(1, Math.abs(reference)));
                }
            }
        }
    }

    @Test
    void boundsAreAtLeastTheScoreAtEveryBinEdgeAndClose() {
        Random random = new Random(12);
        ScoringMatrix matrix = randomMatrix(random, 500, 16);
        TermBounds bounds = TermBounds.of(matrix, TRAINED_LIKE);
        float[][] headValues = new float[HEADS][1];
        double[] heads = new double[HEADS];
        double[] bound = new double[1];

        double widestGap = 0;
        for (int s = 0; s < HEADS; s++) {
            double width = (bounds.high(s) - bounds.low(s)) / TermBounds.BINS;
            for (int bin = 0; bin <= TermBounds.BINS; bin++) {
                float edge = (float) (bounds.low(s) + bin * width);
                for (float value : new float[] {Math.nextDown(edge), edge, Math.nextUp(edge)}) {
                    if (value < bounds.low(s) || value > bounds.high(s)) {
                        continue;
                    }
                    for (int other = 0; other < HEADS; other++) {
                        headValues[other][0] = other == s ? value
                                : (float) (bounds.low(other) + random.nextDouble() * (bounds.high(other) - bounds.low(other)));
                        heads[other] = headValues[other][0];
                    }
                    bounds.bound(headValues, 1, bound);
                    double score = TRAINED_LIKE.of(heads);
                    assertTrue(bound[0] >= score, "head " + s + " at " + value + ": bound " + bound[0] + " < score " + score);
                    widestGap = Math.max(widestGap, bound[0] - score);
                }
            }
        }
        // Three bins of slack per head at most: tight enough to skip rows well below the k-th best.
        assertTrue(widestGap < 0.1, "bound exceeds the score by up to " + widestGap);

        headValues[0][0] = (float) bounds.high(0) + 1;
        bounds.bound(headValues, 1, bound);
        assertEquals(Double.POSITIVE_INFINITY, bound[0]);
    }

    /**
     * Every other expert "new": one unit θ shared by its three heads with the scales and biases a trained controller
     * gives new experts; the others with a θ and bias of their own per head. x_C is e(C) itself.
     */
    private static ScoringMatrix randomMatrix(Random random, int experts, int dimension) {
        String[] ids = new String[experts];
        float[][][] theta = new float[HEADS][experts][];
        float[][] scale = new float[HEADS][experts];
        float[][] bias = new float[HEADS][experts];
        float[] newScale = {-0.5f, 1f, 0.3f};
        float[] newBias = {-1f, 0.5f, 0.5f};
        for (int m = 0; m < experts; m++) {
            ids[m] = "expert-" + m;
            float[] content = ExpertRankingTest.unit(random, dimension);
            for (int s = 0; s < HEADS; s++) {
                boolean isNew = m % 2 == 1;
                theta[s][m] = isNew ? content : scaled(ExpertRankingTest.unit(random, dimension), (float) (1 + random.nextDouble()));
                scale[s][m] = isNew ? newScale[s] : 1;
                bias[s][m] = isNew ? newBias[s] : (float) (0.3 * random.nextGaussian());
            }
        }
        return new ScoringMatrix(ids, theta, scale, bias, UnaryOperator.identity(), TRAINED_LIKE, new double[] {-0.4, 1, 0.2});
    }

    private static float[] scaled(float[] v, float factor) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return v;
    }

    private static double sigmoid(double r) {
        return 1 / (1 + Math.exp(-r));
    }
}
