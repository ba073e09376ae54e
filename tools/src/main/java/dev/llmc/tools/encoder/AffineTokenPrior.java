package dev.llmc.tools.encoder;

import java.util.List;

/**
 * The starting point of the token fit: one affine map A (dimension × dimension, and a bias b) applied to every
 * single-token vector, V_t ↦ A V_t + b, chosen by least squares (ridge on A) so that a text's mean of mapped vectors
 * matches its target. Because pooling is a mean, that is ordinary linear regression from a text's mean single-token
 * vector to its target. It matters for the tokens the corpus shows rarely or never: the ridge fit pulls them towards
 * their start, and a raw single-token vector is mostly the [CLS]/[SEP] direction every such pass shares, so an unseen
 * token otherwise drags a sentence towards that direction; mapped, it lands in MiniLM's sentence space.
 */
final class AffineTokenPrior {

    private AffineTokenPrior() {
    }

    /**
     * Returns the mapped vectors (vocabulary × dimension, row-major) of tokenVectors; texts are token ids, targets one
     * row per text; ridge scales the penalty on A relative to the mean diagonal of the Gram matrix.
     */
    static float[] fit(float[] tokenVectors, int vocabulary, int dimension, List<int[]> texts, List<float[]> targets,
                       double ridge) {
        int n = dimension + 1; // the last feature is the constant 1 (bias)
        double[] gram = new double[n * n];
        double[] cross = new double[n * dimension];
        double[] x = new double[n];
        for (int i = 0; i < texts.size(); i++) {
            meanFeatures(tokenVectors, dimension, texts.get(i), x);
            float[] y = targets.get(i);
            for (int a = 0; a < n; a++) {
                double xa = x[a];
                for (int b = a; b < n; b++) {
                    gram[a * n + b] += xa * x[b];
                }
                for (int d = 0; d < dimension; d++) {
                    cross[a * dimension + d] += xa * y[d];
                }
            }
        }
        double trace = 0;
        for (int a = 0; a < dimension; a++) {
            trace += gram[a * n + a];
        }
        double penalty = ridge * trace / dimension;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < a; b++) {
                gram[a * n + b] = gram[b * n + a];
            }
            if (a < dimension) {
                gram[a * n + a] += penalty;
            }
        }
        double[] weights = solve(gram, cross, n, dimension);

        float[] mapped = new float[vocabulary * dimension];
        for (int t = 0; t < vocabulary; t++) {
            int offset = t * dimension;
            for (int d = 0; d < dimension; d++) {
                double sum = weights[dimension * dimension + d];
                for (int a = 0; a < dimension; a++) {
                    sum += tokenVectors[offset + a] * weights[a * dimension + d];
                }
                mapped[offset + d] = (float) sum;
            }
        }
        return mapped;
    }

    private static void meanFeatures(float[] tokenVectors, int dimension, int[] ids, double[] x) {
        java.util.Arrays.fill(x, 0);
        for (int id : ids) {
            int offset = id * dimension;
            for (int d = 0; d < dimension; d++) {
                x[d] += tokenVectors[offset + d];
            }
        }
        for (int d = 0; d < dimension; d++) {
            x[d] /= ids.length;
        }
        x[dimension] = 1;
    }

    /** Solves G W = C for W (n × columns) by Cholesky; G is symmetric positive definite (n × n). */
    static double[] solve(double[] g, double[] c, int n, int columns) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = g[i * n + j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i * n + k] * l[j * n + k];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        throw new IllegalStateException("the affine prior's normal equations are singular");
                    }
                    l[i * n + i] = Math.sqrt(sum);
                } else {
                    l[i * n + j] = sum / l[j * n + j];
                }
            }
        }
        double[] w = c.clone();
        for (int col = 0; col < columns; col++) {
            for (int i = 0; i < n; i++) { // L z = c
                double sum = w[i * columns + col];
                for (int k = 0; k < i; k++) {
                    sum -= l[i * n + k] * w[k * columns + col];
                }
                w[i * columns + col] = sum / l[i * n + i];
            }
            for (int i = n - 1; i >= 0; i--) { // Lᵀ w = z
                double sum = w[i * columns + col];
                for (int k = i + 1; k < n; k++) {
                    sum -= l[k * n + i] * w[k * columns + col];
                }
                w[i * columns + col] = sum / l[i * n + i];
            }
        }
        return w;
    }
}
