package dev.llmc.abtest.stats;

/**
 * Sample-ratio mismatch: χ² = Σ (units_a − E_a)² / E_a with E_a = total units × weight_a, k − 1 degrees of freedom;
 * flagged when p < 0.001, which usually means assignment or logging is broken, not that an arm is better.
 */
public record SrmCheck(double chi2, double pValue, boolean flagged) {
    public static final double THRESHOLD = 0.001;

    public static SrmCheck of(long[] units, double[] weights) {
        long total = 0;
        for (long u : units) {
            total += u;
        }
        if (total == 0 || units.length < 2) {
            return new SrmCheck(0, 1, false);
        }
        double weightSum = 0;
        for (double w : weights) {
            weightSum += w;
        }
        double chi2 = 0;
        for (int i = 0; i < units.length; i++) {
            double expected = total * weights[i] / weightSum;
            chi2 += (units[i] - expected) * (units[i] - expected) / expected;
        }
        double p = Distributions.chiSquareSurvival(chi2, units.length - 1);
        return new SrmCheck(chi2, p, p < THRESHOLD);
    }
}
