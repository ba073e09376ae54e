package dev.llmc.tools.encoder;

import java.util.List;

/**
 * Fits token vectors V so that the mean of a text's token vectors matches a target embedding of the text, by ridge
 * regression towards starting vectors V₀: minimise Σᵢ ‖(1/nᵢ) Σ_{t∈i} V_t − Bᵢ‖² + λ Σ_t ‖V_t − V₀_t‖², solved by
 * conjugate gradients on the normal equations (AᵀA + λI) V = AᵀB + λV₀, one system per dimension sharing A. A is
 * sparse (texts × vocabulary, 1/nᵢ per token occurrence), so a pass costs two sweeps over the corpus' tokens;
 * tokens that never occur keep V₀.
 */
final class TokenVectorFit {

    private final List<int[]> texts;
    private final int vocabulary;
    private final int dimension;

    /** texts: each text's token ids (repeats count); vectors are vocabulary × dimension, row-major. */
    TokenVectorFit(List<int[]> texts, int vocabulary, int dimension) {
        this.texts = texts;
        this.vocabulary = vocabulary;
        this.dimension = dimension;
    }

    /** Returns V (vocabulary × dimension) for targets B (one row of dimension floats per text). */
    float[] fit(float[] start, List<float[]> targets, double lambda, int iterations) {
        int size = vocabulary * dimension;
        double[] x = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = start[i];
        }
        // r = AᵀB + λV₀ − (AᵀA + λI) V₀ = Aᵀ(B − A V₀)
        double[] predicted = multiply(x);
        for (int i = 0; i < texts.size(); i++) {
            float[] target = targets.get(i);
            for (int d = 0; d < dimension; d++) {
                predicted[i * dimension + d] = target[d] - predicted[i * dimension + d];
            }
        }
        double[] r = multiplyTransposed(predicted);
        double[] p = r.clone();
        double[] rr = columnDots(r, r);
        for (int iteration = 0; iteration < iterations; iteration++) {
            double[] q = multiplyTransposed(multiply(p));
            for (int i = 0; i < size; i++) {
                q[i] += lambda * p[i];
            }
            double[] pq = columnDots(p, q);
            double[] alpha = new double[dimension];
            for (int d = 0; d < dimension; d++) {
                alpha[d] = pq[d] > 0 ? rr[d] / pq[d] : 0;
            }
            for (int i = 0; i < size; i++) {
                int d = i % dimension;
                x[i] += alpha[d] * p[i];
                r[i] -= alpha[d] * q[i];
            }
            double[] next = columnDots(r, r);
            for (int i = 0; i < size; i++) {
                int d = i % dimension;
                p[i] = r[i] + (rr[d] > 0 ? next[d] / rr[d] : 0) * p[i];
            }
            rr = next;
        }
        float[] result = new float[size];
        for (int i = 0; i < size; i++) {
            result[i] = (float) x[i];
        }
        return result;
    }

    /** A·V: per text the mean of its tokens' rows. */
    private double[] multiply(double[] v) {
        double[] out = new double[texts.size() * dimension];
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = texts.get(i);
            double weight = 1.0 / ids.length;
            int row = i * dimension;
            for (int id : ids) {
                int offset = id * dimension;
                for (int d = 0; d < dimension; d++) {
                    out[row + d] += weight * v[offset + d];
                }
            }
        }
        return out;
    }

    /** Aᵀ·Y: each text's row spread back over its tokens. */
    private double[] multiplyTransposed(double[] y) {
        double[] out = new double[vocabulary * dimension];
        for (int i = 0; i < texts.size(); i++) {
            int[] ids = texts.get(i);
            double weight = 1.0 / ids.length;
            int row = i * dimension;
            for (int id : ids) {
                int offset = id * dimension;
                for (int d = 0; d < dimension; d++) {
                    out[offset + d] += weight * y[row + d];
                }
            }
        }
        return out;
    }

    private double[] columnDots(double[] a, double[] b) {
        double[] dots = new double[dimension];
        for (int i = 0; i < a.length; i++) {
            dots[i % dimension] += a[i] * b[i];
        }
        return dots;
    }
}
