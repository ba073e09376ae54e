package dev.llmc.model.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmc.model.scoring.ScoringMatrix.SeparableScore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The int8 first pass of the linear exact scan leaves the ranking exactly as the scan of every row in floats. */
class QuantizedRowsTest {
    private static final int DIMENSION = 384;
    private static final int EXPERTS = 3_000;

    /**
     * Lucene's float dot product may sum in another order once the JIT compiles it: compiled before the comparisons,
     * both scans see the same rounding.
     */
    @BeforeAll
    static void compileTheDotProduct() {
        ScoringMatrix matrix = matrix(new Random(1), false, 1);
        ExactScan everyRow = new ExactScan(matrix, false);
        Random random = new Random(2);
        for (int q = 0; q < 100; q++) {
            everyRow.rank(ExpertRankingTest.unit(random, DIMENSION), 10);
        }
    }

    @ParameterizedTest(name = "clustered {0}")
    @ValueSource(booleans = {false, true})
    void sameRankingAsEveryRowInFloats(boolean clustered) {
        Random random = new Random(clustered ? 3 : 4);
        ScoringMatrix matrix = matrix(random, clustered, 0.1);
        ExactScan firstPass = new ExactScan(matrix, true);
        ExactScan everyRow = new ExactScan(matrix, false);

        for (int q = 0; q < 30; q++) {
            // Every third x longer than 1: the bound grows with ‖x‖.
            float[] x = scaled(clustered ? near(random, matrix.theta(0, random.nextInt(EXPERTS))) : ExpertRankingTest.unit(random, DIMENSION),
                    q % 3 == 0 ? 4 : 1);
            for (int topK : new int[] {1, 10, 100}) {
                assertEquals(everyRow.rank(x, topK), firstPass.rank(x, topK), "query " + q + ", top " + topK);
            }
        }
    }

    /**
     * Dyadic θ, x, scales and biases whose float scores are exact in any summation order: experts around one centre,
     * many tied exactly (the same θ under other ids) and many a single 2⁻¹⁶ apart, far closer than the int8 error, and
     * a quarter far away, which the first pass leaves out. Compared with scores in integer arithmetic.
     */
    @Test
    void nearTiesAndTiesRankAsTheirExactScores() {
        Random random = new Random(5);
        int[] centre = random.ints(DIMENSION, -16, 17).toArray();
        int experts = 2_000;
        String[] ids = new String[experts];
        int[][] units = new int[experts][];
        float[][] theta = new float[experts][];
        float[] scale = new float[experts];
        float[] bias = new float[experts];
        int[] biasUnits = new int[experts];
        for (int m = 0; m < experts; m++) {
            ids[m] = String.format("expert-%04d", random.nextInt(10_000)) + "-" + m;
            if (m % 4 == 3) {
                units[m] = units[m - 1];
            } else if (m % 4 == 2) {
                units[m] = random.ints(DIMENSION, -16, 17).toArray();
            } else {
                units[m] = centre.clone();
                for (int change = 0; change < 3; change++) {
                    units[m][random.nextInt(DIMENSION)] += random.nextInt(3) - 1;
                }
            }
            theta[m] = dyadic(units[m], 0x1p-8f);
            scale[m] = m % 5 == 0 ? 2f : 1f;
            biasUnits[m] = random.nextInt(3) - 1;
            bias[m] = biasUnits[m] * 0x1p-16f;
        }
        ScoringMatrix matrix = new ScoringMatrix(ids, new float[][][] {theta}, new float[][] {scale},
                new float[][] {bias}, UnaryOperator.identity(), SeparableScore.LINEAR, new double[] {1});
        ExactScan firstPass = new ExactScan(matrix, true);
        QuantizedRows quantized = QuantizedRows.of(matrix);

        for (int q = 0; q < 10; q++) {
            int[] xUnits = centre.clone();
            for (int j = 0; j < DIMENSION; j += 7) {
                xUnits[j] += random.nextInt(5) - 2;
            }
            float[] x = dyadic(xUnits, 0x1p-8f);
            List<ScoredExpert> exact = new ArrayList<>();
            for (int m = 0; m < experts; m++) {
                long dot = 0;
                for (int j = 0; j < DIMENSION; j++) {
                    dot += (long) units[m][j] * xUnits[j];
                }
                exact.add(new ScoredExpert(ids[m], (scale[m] * dot + biasUnits[m]) * 0x1p-16));
            }
            exact.sort(ExpertScorer.RANKING);
            for (int topK : new int[] {1, 10, 100}) {
                assertEquals(exact.subList(0, topK), firstPass.rank(x, topK), "query " + q + ", top " + topK);
                assertTrue(quantized.candidates(x, topK).length <= experts * 3 / 4, "the far experts are left out");
            }
        }
    }

    @Test
    void fewRowsAreScoredAgainOnClusteredExperts() {
        Random random = new Random(6);
        ScoringMatrix matrix = matrix(random, true, 0);
        QuantizedRows quantized = QuantizedRows.of(matrix);
        assertNotNull(quantized);

        int most = 0;
        int total = 0;
        int queries = 50;
        for (int q = 0; q < queries; q++) {
            int[] candidates = quantized.candidates(near(random, matrix.theta(0, random.nextInt(EXPERTS))), 10);
            most = Math.max(most, candidates.length);
            total += candidates.length;
        }
        System.out.printf("int8 first pass, top 10 of %d clustered experts: %.1f rows scored in floats on average, "
                + "%d at most%n", EXPERTS, total / (double) queries, most);
        assertTrue(most >= 10, "the top 10 themselves are scored");
        assertTrue(most < EXPERTS / 20, most + " of " + EXPERTS + " rows scored again");
    }

    @Test
    void anXThatIsNotFiniteGivesNoBound() {
        QuantizedRows quantized = QuantizedRows.of(matrix(new Random(7), false, 0));
        float[] x = ExpertRankingTest.unit(new Random(8), DIMENSION);
        x[3] = Float.NaN;
        assertNull(quantized.candidates(x, 10));
    }

    /**
     * EXPERTS unit θ rows, uniformly random or around 100 topics (30 experts each, like sentence embeddings), with
     * Gaussian biases of the given spread.
     */
    private static ScoringMatrix matrix(Random random, boolean clustered, double biasSpread) {
        float[][] topics = new float[100][];
        for (int t = 0; t < topics.length; t++) {
            topics[t] = ExpertRankingTest.unit(random, DIMENSION);
        }
        String[] ids = new String[EXPERTS];
        float[][] theta = new float[EXPERTS][];
        float[] bias = new float[EXPERTS];
        for (int m = 0; m < EXPERTS; m++) {
            ids[m] = "expert-" + m;
            theta[m] = clustered ? near(random, topics[random.nextInt(topics.length)]) : ExpertRankingTest.unit(random, DIMENSION);
            bias[m] = (float) (biasSpread * random.nextGaussian());
        }
        return ScoringMatrix.linear(ids, theta, bias);
    }

    /** A unit vector about 0.82 in cosine from the unit centre: normalise(centre + 0.7 · unit noise). */
    private static float[] near(Random random, float[] centre) {
        float[] noise = ExpertRankingTest.unit(random, DIMENSION);
        float[] v = new float[DIMENSION];
        double norm = 0;
        for (int j = 0; j < DIMENSION; j++) {
            v[j] = centre[j] + 0.7f * noise[j];
            norm += v[j] * v[j];
        }
        return scaled(v, (float) (1 / Math.sqrt(norm)));
    }

    private static float[] dyadic(int[] units, float unit) {
        float[] v = new float[units.length];
        for (int j = 0; j < units.length; j++) {
            v[j] = units[j] * unit;
        }
        return v;
    }

    private static float[] scaled(float[] v, float factor) {
        float[] scaled = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            scaled[j] = v[j] * factor;
        }
        return scaled;
    }
}
