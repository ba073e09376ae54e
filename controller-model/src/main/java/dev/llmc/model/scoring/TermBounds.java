package dev.llmc.model.scoring;

import dev.llmc.model.scoring.ScoringMatrix.HeadTerm;
import dev.llmc.model.scoring.ScoringMatrix.SeparableScore;
import java.util.Arrays;
import org.apache.lucene.util.VectorUtil;

/**
 * Exact upper bounds of a {@link SeparableScore} from table look-ups, so that {@link ExactScan} evaluates the terms
 * only for rows that can enter the top k. Per head, the term on {@value #BINS} bins of the head value over the range a
 * unit x_C can reach, [min_m(b − |a|‖θ‖), max_m(b + |a|‖θ‖)], widened a little for float rounding. A rising term's bin
 * holds its value one bin above the bin's upper edge, a falling one's one bin below the lower edge: the slack covers
 * the rounding of the bin index, and since every term keeps its direction in floating point the entries, summed in the
 * score's order, bound the score exactly. A head value outside the range (an x_C longer than 1) gives no bound.
 */
final class TermBounds {
    static final int BINS = 1024;

    private final double[] low;
    private final double[] high;
    private final double[] binsPerUnit;
    private final double[][] table;

    private TermBounds(double[] low, double[] high, double[] binsPerUnit, double[][] table) {
        this.low = low;
        this.high = high;
        this.binsPerUnit = binsPerUnit;
        this.table = table;
    }

    /** The bounds, or null when a head's range is not finite. */
    static TermBounds of(ScoringMatrix matrix, SeparableScore score) {
        int heads = matrix.heads();
        double[] low = new double[heads];
        double[] high = new double[heads];
        double[] binsPerUnit = new double[heads];
        double[][] table = new double[heads][BINS + 2];
        for (int s = 0; s < heads; s++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int row = 0; row < matrix.size(); row++) {
                float[] theta = matrix.theta(s, row);
                double reach = Math.abs(matrix.scale(s, row)) * Math.sqrt(VectorUtil.dotProduct(theta, theta));
                min = Math.min(min, matrix.bias(s, row) - reach);
                max = Math.max(max, matrix.bias(s, row) + reach);
            }
            double margin = 1e-3 * (1 + Math.max(Math.abs(min), Math.abs(max)));
            low[s] = min - margin;
            high[s] = max + margin;
            if (!Double.isFinite(low[s]) || !Double.isFinite(high[s])) {
                return null;
            }
            double width = (high[s] - low[s]) / BINS;
            binsPerUnit[s] = BINS / (high[s] - low[s]);
            HeadTerm term = score.terms().get(s);
            for (int bin = 0; bin < table[s].length; bin++) {
                double edge = term.increasing() ? low[s] + (bin + 2) * width : low[s] + (bin - 1) * width;
                table[s][bin] = term.value().applyAsDouble(edge);
            }
        }
        return new TermBounds(low, high, binsPerUnit, table);
    }

    /** The lowest head value the table of {@code head} covers. */
    double low(int head) {
        return low[head];
    }

    /** The highest head value the table of {@code head} covers. */
    double high(int head) {
        return high[head];
    }

    /**
     * bound[i] ≥ the serving score of the i-th of n rows, +∞ where a head value lies outside its table; summed in
     * head order like the score. Head by head, so that the rows are independent work for the CPU.
     */
    void bound(float[][] headValues, int n, double[] bound) {
        Arrays.fill(bound, 0, n, 0);
        for (int s = 0; s < table.length; s++) {
            float[] r = headValues[s];
            double[] values = table[s];
            double lowest = low[s];
            double highest = high[s];
            double scale = binsPerUnit[s];
            for (int i = 0; i < n; i++) {
                double value = r[i];
                bound[i] += value >= lowest && value <= highest ? values[(int) ((value - lowest) * scale)]
                        : Double.POSITIVE_INFINITY;
            }
        }
    }
}
