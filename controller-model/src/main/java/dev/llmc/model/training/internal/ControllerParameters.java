package dev.llmc.model.training.internal;

import java.util.Arrays;

/**
 * A trained controller's parameters as plain float arrays (no engine types), laid out as the artifact stores them.
 *
 * @param dimension    d, the dimension of e(C)
 * @param k            the dimension of x_C
 * @param projection   W as d × k row-major: z_j = Σ_i e_i · projection[i·k + j]
 * @param theta        per head s (retry, rating, length): θ_{m,s} for the M experts as M × k row-major
 * @param bias         per head s: b_{m,s} for the M experts
 * @param contentScale per head s: a_s, the scale of the content prior θ_{m,s} ≈ a_s · normalise(W c_m)
 * @param priorBias    per head s: β_s, the shared prior every b_{m,s} is pulled toward (a cold-start expert's bias)
 */
public record ControllerParameters(int dimension, int k, float[] projection, float[][] theta, float[][] bias,
        float[] contentScale, float[] priorBias) {

    /** Heads in storage order. */
    public static final int RETRY = 0;
    public static final int RATING = 1;
    public static final int LENGTH = 2;
    public static final int HEADS = 3;

    public ControllerParameters {
        if (dimension < 1 || k < 1 || projection.length != dimension * k) {
            throw new IllegalArgumentException("projection must hold d × k = " + dimension + " × " + k + " values");
        }
        if (theta.length != HEADS || bias.length != HEADS || contentScale.length != HEADS || priorBias.length != HEADS) {
            throw new IllegalArgumentException("expected parameters for " + HEADS + " heads");
        }
        int experts = bias[0].length;
        for (int s = 0; s < HEADS; s++) {
            if (bias[s].length != experts || theta[s].length != experts * k) {
                throw new IllegalArgumentException("head " + s + " must hold " + experts + " experts × k = " + k);
            }
        }
    }

    /** M, the number of experts with stored parameters. */
    public int experts() {
        return bias[0].length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ControllerParameters that && dimension == that.dimension && k == that.k
                && Arrays.equals(projection, that.projection) && Arrays.deepEquals(theta, that.theta)
                && Arrays.deepEquals(bias, that.bias) && Arrays.equals(contentScale, that.contentScale)
                && Arrays.equals(priorBias, that.priorBias);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(projection) + Arrays.deepHashCode(bias);
    }

    @Override
    public String toString() {
        return "ControllerParameters[d=" + dimension + ", k=" + k + ", experts=" + experts() + "]";
    }
}
