package dev.llmc.model.scoring;

import java.util.Arrays;
import org.apache.lucene.util.VectorUtil;

/**
 * An int8 copy of a single-head linear score's long θ rows (score = a_m θ_m · x + b_m), read first so that the exact
 * float scan touches only the rows that can enter the top k: the int8 rows are a quarter of the bytes, and a scan of
 * the float rows is bound by memory. Costs about 450 bytes per expert beside its floats (a 384-d θ's 384-byte row,
 * its array header and five doubles).
 * <p>
 * Row m is quantised symmetrically, θ_m ≈ s_m q_m with s_m = max|θ_m|/127, and x per turn the same way, x ≈ s_x q_x.
 * Since θ·x − s_m s_x q_m·q_x = (θ_m − s_m q_m)·x + s_m q_m·(x − s_x q_x), Cauchy–Schwarz gives
 * |θ_m·x − s_m s_x q_m·q_x| ≤ e_m‖x‖ + n_m ε_x with e_m = ‖θ_m − s_m q_m‖, n_m = s_m‖q_m‖ and ε_x = ‖x − s_x q_x‖,
 * where q_m·q_x is an exact int. The exact score is itself a float computation: its dot product in any summation order
 * is within γ_d‖θ_m‖‖x‖ (γ_d ≈ d·2⁻²⁴) of θ_m·x, and the scale and the bias add one rounding each. The bound takes
 * twice that rounding, (d + 4)·2⁻²³ |a_m|‖θ_m‖‖x‖ + 2⁻²³|b_m| (plus 2⁻¹²⁶ for products in the subnormal range),
 * which also covers the double rounding of the bound itself (about 2⁻⁵⁰ relative); a turn whose scores could overflow
 * a float gets no bound. Every row whose exact score can reach the k-th largest lower bound is a candidate, so
 * re-scoring the candidates exactly finds the same top k, ties included.
 */
final class QuantizedRows {
    private static final double FLOAT_ROUNDING = 0x1p-23;
    /** Where products fall below Float.MIN_NORMAL each of the d + 4 operations errs by up to 2⁻¹⁵⁰ absolutely instead. */
    private static final double SUBNORMAL_ROUNDING = 0x1p-126;
    /** Beyond this reach a float score may overflow, which no bound covers: such a turn is scanned in full. */
    private static final double LARGEST_REACH = 0x1p100;

    private final int dimension;
    private final byte[][] rows;
    /** a_m s_m */
    private final double[] factor;
    private final double[] bias;
    /** |a_m| (e_m + (d + 4) 2⁻²³ ‖θ_m‖): the bound's coefficient of ‖x‖. */
    private final double[] perNorm;
    /** |a_m| n_m: the bound's coefficient of ε_x. */
    private final double[] perResidual;
    /** 2⁻²³ |b_m| + 2⁻¹²⁶ */
    private final double[] fixed;
    /** max_m |a_m| ‖θ_m‖ + |b_m| */
    private double reach;

    private QuantizedRows(int n, int dimension) {
        this.dimension = dimension;
        rows = new byte[n][];
        factor = new double[n];
        bias = new double[n];
        perNorm = new double[n];
        perResidual = new double[n];
        fixed = new double[n];
    }

    /** The int8 rows of a single-head matrix, or null when a θ, scale or bias is not finite and gives no bound. */
    static QuantizedRows of(ScoringMatrix matrix) {
        QuantizedRows quantized = new QuantizedRows(matrix.size(), matrix.dimension());
        for (int m = 0; m < matrix.size(); m++) {
            if (!quantized.add(m, matrix.theta(0, m), matrix.scale(0, m), matrix.bias(0, m))) {
                return null;
            }
        }
        return quantized;
    }

    private boolean add(int m, float[] theta, float a, float b) {
        Quantised row = Quantised.of(theta);
        reach = Math.max(reach, Math.abs(a) * row.norm() + Math.abs(b));
        rows[m] = row.q();
        factor[m] = a * row.scale();
        bias[m] = b;
        perNorm[m] = Math.abs(a) * (row.residual() + (dimension + 4) * FLOAT_ROUNDING * row.norm());
        perResidual[m] = Math.abs(a) * row.scale() * row.quantisedNorm();
        fixed[m] = FLOAT_ROUNDING * Math.abs(b) + SUBNORMAL_ROUNDING;
        return Double.isFinite(factor[m]) && Double.isFinite(bias[m]) && Double.isFinite(perNorm[m])
                && Double.isFinite(perResidual[m]);
    }

    /** The rows whose exact score can reach the top k for x, ascending; null when x is not finite and gives no bound. */
    int[] candidates(float[] x, int topK) {
        Quantised quantisedX = Quantised.of(x);
        byte[] qx = quantisedX.q();
        double sx = quantisedX.scale();
        double epsilon = quantisedX.residual();
        double normX = quantisedX.norm();
        if (!Double.isFinite(sx) || !Double.isFinite(epsilon) || !(reach * Math.max(1, normX) < LARGEST_REACH)) {
            return null;
        }
        int n = rows.length;
        double[] upper = new double[n];
        LowestOfBest lowerBounds = new LowestOfBest(topK);
        for (int m = 0; m < n; m++) {
            double approx = factor[m] * sx * VectorUtil.dotProduct(rows[m], qx) + bias[m];
            double width = perNorm[m] * normX + perResidual[m] * epsilon + fixed[m];
            upper[m] = approx + width;
            lowerBounds.offer(approx - width);
        }
        double kthLower = lowerBounds.lowest();
        int[] candidates = new int[n];
        int count = 0;
        for (int m = 0; m < n; m++) {
            if (upper[m] >= kthLower) {
                candidates[count++] = m;
            }
        }
        return Arrays.copyOf(candidates, count);
    }

    /** v ≈ scale · q with scale = max|v|/127 (0 for a zero v), ‖v‖, ‖v − scale · q‖ and ‖q‖. */
    private record Quantised(byte[] q, double scale, double norm, double residual, double quantisedNorm) {
        static Quantised of(float[] v) {
            double max = 0;
            for (float value : v) {
                max = Math.max(max, Math.abs(value));
            }
            byte[] q = new byte[v.length];
            double scale = max / 127;
            if (max > 0 && Double.isFinite(max)) {
                double perUnit = 127 / max;
                for (int j = 0; j < v.length; j++) {
                    q[j] = (byte) Math.max(-127, Math.min(127, Math.round(v[j] * perUnit)));
                }
            }
            double norm = 0;
            double residual = 0;
            double quantisedNorm = 0;
            for (int j = 0; j < v.length; j++) {
                double error = v[j] - scale * q[j];
                residual += error * error;
                norm += (double) v[j] * v[j];
                quantisedNorm += (double) q[j] * q[j];
            }
            return new Quantised(q, scale, Math.sqrt(norm), Math.sqrt(residual), Math.sqrt(quantisedNorm));
        }
    }

    /** The k largest values offered, as a min-heap: its root is the k-th largest, −∞ until k were offered. */
    private static final class LowestOfBest {
        private final double[] heap;
        private int size;

        LowestOfBest(int k) {
            heap = new double[k];
        }

        void offer(double value) {
            if (size < heap.length) {
                int i = size++;
                while (i > 0 && heap[(i - 1) >>> 1] > value) {
                    heap[i] = heap[(i - 1) >>> 1];
                    i = (i - 1) >>> 1;
                }
                heap[i] = value;
            } else if (value > heap[0]) {
                int i = 0;
                while (true) {
                    int child = 2 * i + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && heap[child + 1] < heap[child]) {
                        child++;
                    }
                    if (heap[child] >= value) {
                        break;
                    }
                    heap[i] = heap[child];
                    i = child;
                }
                heap[i] = value;
            }
        }

        double lowest() {
            return size < heap.length ? Double.NEGATIVE_INFINITY : heap[0];
        }
    }
}
