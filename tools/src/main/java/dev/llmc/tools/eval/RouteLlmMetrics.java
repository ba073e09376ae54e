package dev.llmc.tools.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * RouteLLM's cost/quality measures for a strong/weak pair, as {@code routellm/evals/evaluate.py} and
 * {@code benchmarks.py} (lm-sys/RouteLLM) define them, with shares as fractions instead of percent.
 *
 * <p>Curve: a router gives each test prompt a score s_i (its "strong win rate"; here the predicted advantage of the
 * strong expert). Thresholds are the {@value #BINS}+1 quantile edges t_0..t_10 of the scores (numpy/pandas linear
 * quantiles, duplicates kept, as {@code pd.qcut(s, 10, retbins=True)}); at edge t_j the strong model answers every
 * prompt with s_i ≥ t_j (s_i &gt; t_j at the last edge), giving a point (share of strong calls c_j, mean label q_j).
 *
 * <p>APGR = (AUC − q_weak·(c_max − c_min)) / ((q_strong − q_weak)·(c_max − c_min)) with AUC = trapezoid ∫ q dc over
 * the points sorted by c (np.trapz), q_weak and q_strong the mean labels of always-weak and always-strong on the
 * same prompts. CPT(x) = np.interp(q_weak + x·(q_strong − q_weak), q, c) over the points sorted by c: the share of
 * strong calls at which the curve first reaches that quality, interpolated linearly; below the first point it is
 * c of the first point, above every point c of the last (np.interp's clamping). Where q is not monotone in c,
 * np.interp's result is undefined; this uses the first crossing along increasing c.
 */
public final class RouteLlmMetrics {

    /** RouteLLM's {@code --num-results} default. */
    static final int BINS = 10;

    private RouteLlmMetrics() {
    }

    /** A point of the cost/quality curve: share of calls to the strong model and mean label. */
    public record Point(double strongShare, double quality) {
    }

    /** APGR and CPT(50%), CPT(80%) of one router on one test set. */
    public record Result(double apgr, double cpt50, double cpt80, List<Point> curve) {
    }

    /** Computes the curve and metrics from router scores and the two experts' labels on the same prompts. */
    public static Result evaluate(double[] scores, double[] strongLabels, double[] weakLabels) {
        List<Point> curve = curve(scores, strongLabels, weakLabels);
        double strong = mean(strongLabels);
        double weak = mean(weakLabels);
        return new Result(apgr(curve, strong, weak), cpt(curve, strong, weak, 0.5), cpt(curve, strong, weak, 0.8), curve);
    }

    /** The {@value #BINS}+1 points at the quantile-edge thresholds, sorted by strong share. */
    public static List<Point> curve(double[] scores, double[] strongLabels, double[] weakLabels) {
        int n = scores.length;
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        List<Point> points = new ArrayList<>();
        for (int j = 0; j <= BINS; j++) {
            double threshold = quantile(sorted, (double) j / BINS);
            boolean last = j == BINS;
            int strongCalls = 0;
            double total = 0;
            for (int i = 0; i < n; i++) {
                boolean strong = last ? scores[i] > threshold : scores[i] >= threshold;
                strongCalls += strong ? 1 : 0;
                total += strong ? strongLabels[i] : weakLabels[i];
            }
            points.add(new Point((double) strongCalls / n, total / n));
        }
        // Equal shares mean identical selections, hence identical qualities: the order among them does not matter.
        points.sort(Comparator.comparingDouble(Point::strongShare));
        return points;
    }

    /** numpy's default (linear) quantile of sorted values. */
    static double quantile(double[] sorted, double p) {
        double position = p * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /** APGR as above; 0 when the curve spans no cost range or the two experts tie. */
    public static double apgr(List<Point> curve, double strong, double weak) {
        double auc = 0;
        for (int j = 1; j < curve.size(); j++) {
            Point a = curve.get(j - 1);
            Point b = curve.get(j);
            auc += (b.strongShare() - a.strongShare()) * (a.quality() + b.quality()) / 2;
        }
        double width = curve.getLast().strongShare() - curve.getFirst().strongShare();
        double denominator = (strong - weak) * width;
        return denominator == 0 ? 0 : (auc - weak * width) / denominator;
    }

    /** CPT(x) as above: the share of strong calls needed to recover fraction x of the weak→strong gap. */
    public static double cpt(List<Point> curve, double strong, double weak, double x) {
        double target = weak + x * (strong - weak);
        Point first = curve.getFirst();
        if (target <= first.quality()) {
            return first.strongShare();
        }
        for (int j = 1; j < curve.size(); j++) {
            Point a = curve.get(j - 1);
            Point b = curve.get(j);
            if (b.quality() >= target) {
                double dq = b.quality() - a.quality();
                return dq == 0 ? b.strongShare() : a.strongShare() + (target - a.quality()) / dq * (b.strongShare() - a.strongShare());
            }
        }
        return curve.getLast().strongShare();
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
