package dev.llmc.model.policy;

import dev.llmc.model.scoring.ScoredExpert;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Gaussian Thompson sampling over the controller's scores: each candidate's utility has posterior N(score_m, σ²),
 * one draw per candidate, the largest draw wins. σ is the posterior standard deviation of a score (one value for all
 * experts until a trained controller reports per-expert uncertainty); small σ approaches greedy, large σ uniform.
 *
 * <p>The propensity is computed, not estimated: with independent draws,
 * P(m wins) = ∫ φ(z) Π_{j≠m} Φ(z + (s_m − s_j)/σ) dz, integrated numerically (Simpson's rule on [−8, 8]).
 */
public final class ThompsonPolicy implements ExplorationPolicy {
    private static final int STEPS = 400;
    private static final double LIMIT = 8.0;
    private final double sigma;

    public ThompsonPolicy(double sigma) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("sigma must be positive, was " + sigma);
        }
        this.sigma = sigma;
    }

    public double sigma() {
        return sigma;
    }

    @Override
    public Choice choose(List<ScoredExpert> ranking, RandomGenerator random) {
        if (ranking.isEmpty()) {
            throw new IllegalArgumentException("cannot choose from an empty ranking");
        }
        int best = 0;
        double bestDraw = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < ranking.size(); i++) {
            double draw = ranking.get(i).score() + sigma * random.nextGaussian();
            if (draw > bestDraw) {
                bestDraw = draw;
                best = i;
            }
        }
        return new Choice(ranking.get(best), propensity(ranking, best));
    }

    /** P(candidate {@code index} has the largest draw). */
    @Override
    public double propensity(List<ScoredExpert> ranking, int index) {
        if (ranking.size() == 1) {
            return 1.0;
        }
        double chosen = ranking.get(index).score();
        double h = 2 * LIMIT / STEPS;
        double sum = 0;
        for (int step = 0; step <= STEPS; step++) {
            double z = -LIMIT + step * h;
            double integrand = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
            for (int j = 0; j < ranking.size(); j++) {
                if (j != index) {
                    integrand *= normalCdf(z + (chosen - ranking.get(j).score()) / sigma);
                }
            }
            double weight = step == 0 || step == STEPS ? 1 : (step % 2 == 1 ? 4 : 2);
            sum += weight * integrand;
        }
        return Math.min(1.0, Math.max(0.0, sum * h / 3));
    }

    static double normalCdf(double x) {
        // erfc with Chebyshev fitting (fractional error < 1.2e-7), Numerical Recipes §6.2.
        double z = Math.abs(x) / Math.sqrt(2);
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
    }
}
