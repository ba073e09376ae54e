package dev.llmc.model.exploration;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Linear Thompson sampling over the conversation embedding: each candidate expert m predicts its reward at
 * x = [e(C), 1] as prior(m|C) + xᵀθ_m with θ_m ~ N(A_m⁻¹b_m, v² A_m⁻¹) ({@link LinearPosterior}); one θ̃_m is drawn per
 * expert and the largest prediction wins. Only the scalar xᵀθ̃_m matters, and it is exactly
 * N(prior + xᵀA⁻¹b, v² xᵀA⁻¹x), so a draw costs one normal per expert instead of a d-dimensional one.
 *
 * <p>Propensities are estimated by Monte Carlo: {@code samples} draws of every expert (the served draw is the first of
 * them), each expert's share of wins. The estimate's standard error is √(p(1−p)/K) ≤ 0.5/√K (0.016 at K = 1000), and
 * since the served draw is counted, the served expert's estimate is never below 1/K.
 */
public final class LinearThompson {
    private final double noise;
    private final int samples;

    /**
     * @param noise   v, the reward noise scale: the posterior's spread, i.e. how boldly it explores
     * @param samples K, the Monte Carlo draws behind each propensity
     */
    public LinearThompson(double noise, int samples) {
        if (!(noise > 0)) {
            throw new IllegalArgumentException("noise must be positive, was " + noise);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, was " + samples);
        }
        this.noise = noise;
        this.samples = samples;
    }

    /** x = [e(C), 1]: the embedding and an intercept, so a model can learn how good an expert is everywhere. */
    public static double[] features(float[] embedding) {
        double[] x = new double[embedding.length + 1];
        for (int i = 0; i < embedding.length; i++) {
            x[i] = embedding[i];
        }
        x[embedding.length] = 1;
        return x;
    }

    /**
     * One candidate: its id, the prior mean (the active controller's predicted reward for the conversation, on the
     * reward's scale: {@code ExpertRanking.priorRewards}) and its posterior of the residual over it.
     */
    public record Candidate(String expertId, double priorReward, LinearPosterior posterior) {
    }

    /**
     * The sampled choice: its index in the candidates, each candidate's posterior mean prediction and its estimated
     * probability of being chosen (shares of the K draws; they sum to 1).
     */
    public record Selection(int chosen, double[] means, double[] probabilities) {
    }

    public Selection select(double[] x, List<Candidate> candidates, RandomGenerator random) {
        int n = candidates.size();
        if (n == 0) {
            throw new IllegalArgumentException("cannot choose from no candidates");
        }
        double[] means = new double[n];
        double[] deviations = new double[n];
        float[] single = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            single[i] = (float) x[i];
        }
        for (int m = 0; m < n; m++) {
            Candidate candidate = candidates.get(m);
            means[m] = candidate.priorReward() + candidate.posterior().meanAt(x);
            deviations[m] = noise * Math.sqrt(Math.max(0, candidate.posterior().varianceAt(single)));
        }
        int[] wins = new int[n];
        int served = -1;
        for (int k = 0; k < samples; k++) {
            int best = 0;
            double bestDraw = Double.NEGATIVE_INFINITY;
            for (int m = 0; m < n; m++) {
                double draw = means[m] + deviations[m] * random.nextGaussian();
                if (draw > bestDraw) {
                    bestDraw = draw;
                    best = m;
                }
            }
            wins[best]++;
            if (served < 0) {
                served = best;
            }
        }
        double[] probabilities = new double[n];
        for (int m = 0; m < n; m++) {
            probabilities[m] = wins[m] / (double) samples;
        }
        return new Selection(served, means, probabilities);
    }
}
