package dev.llmc.abtest.stats;

/**
 * A per-message mean computed from per-unit totals, R = ΣY_i / ΣN_i over units i (Y: sum of the metric over the
 * unit's messages, N: their number), with the delta-method variance that accounts for messages of one unit being
 * correlated: Var(R) ≈ (s²_Y − 2R·s_YN + R²·s²_N) / (n·N̄²), sample (co)variances over the n units. With one
 * message per unit it reduces to the usual s²/n.
 */
public record RatioEstimate(double mean, double standardError, int units) {

    public static RatioEstimate of(double[] y, double[] n) {
        int units = y.length;
        double sumY = 0;
        double sumN = 0;
        for (int i = 0; i < units; i++) {
            sumY += y[i];
            sumN += n[i];
        }
        if (units == 0 || sumN == 0) {
            return new RatioEstimate(Double.NaN, Double.NaN, units);
        }
        double ratio = sumY / sumN;
        if (units < 2) {
            return new RatioEstimate(ratio, Double.NaN, units);
        }
        double meanY = sumY / units;
        double meanN = sumN / units;
        double varY = 0;
        double varN = 0;
        double cov = 0;
        for (int i = 0; i < units; i++) {
            varY += (y[i] - meanY) * (y[i] - meanY);
            varN += (n[i] - meanN) * (n[i] - meanN);
            cov += (y[i] - meanY) * (n[i] - meanN);
        }
        varY /= units - 1;
        varN /= units - 1;
        cov /= units - 1;
        double variance = (varY - 2 * ratio * cov + ratio * ratio * varN) / (units * meanN * meanN);
        return new RatioEstimate(ratio, Math.sqrt(Math.max(0, variance)), units);
    }

    /** The 95% normal confidence interval, [R − 1.96·SE, R + 1.96·SE]; NaNs when it cannot be estimated. */
    public double[] ci95() {
        return new double[] {mean - 1.959963984540054 * standardError, mean + 1.959963984540054 * standardError};
    }

    /** The normal interval clipped to the metric's range [lowest, highest]: a mean of values in a range stays in it. */
    public double[] ci95Within(double lowest, double highest) {
        double[] ci = ci95();
        return new double[] {Math.max(lowest, ci[0]), Math.min(highest, ci[1])};
    }

    /**
     * For a rate (a mean of 0/1 values): the Wilson score interval, which stays inside [0, 1] and is not degenerate
     * at 0 or 1. Units are the randomised ones, so the sample size is the effective one the delta-method standard
     * error implies, n_eff = R(1 − R)/SE²; where that is undefined (R = 0 or 1, or one unit) {@code messages}.
     */
    public double[] wilsonCi95(double messages) {
        double z = 1.959963984540054;
        double n = mean > 0 && mean < 1 && standardError > 0 ? mean * (1 - mean) / (standardError * standardError) : messages;
        if (!(n > 0) || Double.isNaN(mean)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double z2 = z * z;
        double centre = (mean + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(mean * (1 - mean) / n + z2 / (4 * n * n));
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    /** Relative lift of this estimate over {@code control}: (R − R_c) / R_c. */
    public double liftOver(RatioEstimate control) {
        return (mean - control.mean) / control.mean;
    }

    /** Two-sided p-value of H0: equal means, z = (R − R_c) / √(SE² + SE_c²). */
    public double pValueAgainst(RatioEstimate control) {
        double se = Math.sqrt(standardError * standardError + control.standardError * control.standardError);
        if (!(se > 0)) {
            return Double.NaN;
        }
        return Distributions.twoSidedP((mean - control.mean) / se);
    }
}
