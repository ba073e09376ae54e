package dev.llmc.tools.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AffineTokenPriorTest {

    private static final int VOCABULARY = 12;
    private static final int DIMENSION = 3;
    /** y = A v + b, row-major A. */
    private static final double[] A = {2, 0, 1, -1, 0.5, 0, 0, 3, -2};
    private static final double[] B = {0.5, -1, 2};

    @Test
    void recoversTheAffineMapOfTheMeansAndAppliesItToEveryTokenIncludingUnseenOnes() {
        Random random = new Random(3);
        float[] tokens = new float[VOCABULARY * DIMENSION];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (float) random.nextGaussian();
        }
        // Texts use tokens 0-9 only: 10 and 11 are never seen.
        List<int[]> texts = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int[] ids = {random.nextInt(10), random.nextInt(10), random.nextInt(10)};
            texts.add(ids);
            float[] mean = new float[DIMENSION];
            for (int id : ids) {
                float[] mapped = map(tokens, id);
                for (int d = 0; d < DIMENSION; d++) {
                    mean[d] += mapped[d] / ids.length;
                }
            }
            targets.add(mean);
        }

        float[] prior = AffineTokenPrior.fit(tokens, VOCABULARY, DIMENSION, texts, targets, 1e-9);

        for (int t = 0; t < VOCABULARY; t++) {
            float[] row = new float[DIMENSION];
            System.arraycopy(prior, t * DIMENSION, row, 0, DIMENSION);
            assertArrayEquals(map(tokens, t), row, 1e-3f, "token " + t);
        }
    }

    @Test
    void solvesASymmetricPositiveDefiniteSystemForEveryColumn() {
        double[] g = {4, 2, 2, 3};
        double[] c = {8, 2, 7, 1}; // columns (8, 7) and (2, 1)

        double[] w = AffineTokenPrior.solve(g, c, 2, 2);

        // 4x + 2y = 8, 2x + 3y = 7 → (1.25, 1.5); 4x + 2y = 2, 2x + 3y = 1 → (0.5, 0)
        assertArrayEquals(new double[] {1.25, 0.5, 1.5, 0}, w, 1e-12);
    }

    private static float[] map(float[] tokens, int id) {
        float[] out = new float[DIMENSION];
        for (int d = 0; d < DIMENSION; d++) {
            double sum = B[d];
            for (int a = 0; a < DIMENSION; a++) {
                sum += A[d * DIMENSION + a] * tokens[id * DIMENSION + a];
            }
            out[d] = (float) sum;
        }
        return out;
    }
}
