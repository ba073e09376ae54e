package dev.llmc.model.offpolicy;

/**
 * Estimates how a candidate policy would have done from traffic logged under another policy, before anyone
 * runs it. For logged (action a, reward r, propensity p) and the candidate's choice π(x):
 * IPS = (1/n) Σ 1[π(x)=a] · r / p, SNIPS = Σ 1[π(x)=a] · r / p / Σ 1[π(x)=a] / p (self-normalised: lower
 * variance, slightly biased). Not thread-safe: one estimator per computation.
 */
public final class OffPolicyEstimator {
    private long n;
    private double weightedRewards;
    private double weights;

    /** Adds one logged decision; {@code candidateAgrees} is whether the candidate would have chosen the logged action. */
    public void add(boolean candidateAgrees, double reward, double propensity) {
        if (!(propensity > 0 && propensity <= 1)) {
            throw new IllegalArgumentException("propensity must be in (0, 1], was " + propensity);
        }
        n++;
        if (candidateAgrees) {
            weightedRewards += reward / propensity;
            weights += 1 / propensity;
        }
    }

    /** The estimates so far; NaN where undefined (no data, or the candidate never agreed with the log). */
    public Estimate estimate() {
        return new Estimate(n == 0 ? Double.NaN : weightedRewards / n, weights == 0 ? Double.NaN : weightedRewards / weights, n);
    }

    /** Inverse-propensity and self-normalised estimates of the candidate's mean reward over n logged decisions. */
    public record Estimate(double ips, double snips, long n) {
    }
}
