package dev.llmc.tools.eval;

import dev.llmc.model.matrix.RoutingMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns full-feedback labels of training prompts into the examples live traffic would log.
 *
 * <p>Label → signal mapping (label ℓ in [0,1]): rating = 1 + 4ℓ stars (unrounded: the judge's probability is the
 * best available proxy for a user's stars); conversation length unknown (NaN: the matrices carry no such signal).
 * Retry: the simulated user retries with probability 1 − ℓ (Bernoulli, seeded), in both modes. (A threshold such as
 * ℓ &lt; 0.5 was tried first: it made AlpacaEval's reference model, whose label is exactly 0.5 on every prompt, an
 * expert nobody ever retries, and the negative retry serving weight then routed many prompts to it.)
 *
 * <p>Logging policy in bandit mode, as an exploring production deployment would log: training prompts arrive in a
 * seeded random order (their served time), {@code picksPerPrompt} messages each (several users asking alike). The
 * policy is Thompson sampling over per-expert mean ratings with a guaranteed exploration share:
 * π(m) = (1 − ε) · P(m has the highest posterior draw) + ε / M, ε = {@value #EPSILON}, where expert m's posterior is
 * N((Σ ℓ + μ₀) / (n + 1), {@value #POSTERIOR_SD}² / (n + 1)) over the n labels ℓ logged for it so far and μ₀ the mean
 * of every logged label (0.5 before any). P(best) is estimated from {@value #DRAWS} posterior draws and the served
 * expert is drawn from π itself, so every logged propensity is exactly the probability the logging policy had of
 * serving that expert; π sums to 1 over the pool. The policy never looks at the prompt. Full mode logs every expert
 * on every prompt with propensity 1 (every option was shown).
 */
public final class FeedbackSimulator {

    /** Which feedback the controller may learn from. */
    public enum Mode {
        /** Every label of every training prompt. */
        FULL,
        /** Only what a logging policy served, one expert per logged message. */
        BANDIT
    }

    /** Guaranteed exploration share, spread uniformly over the pool. */
    static final double EPSILON = 0.1;
    /**
     * Standard deviation of one label around its expert's mean: 0.5, the largest any [0,1] label can have. A smaller
     * value (0.35 was tried) let an expert with an unlucky start be starved for good on AlpacaEval (logs labels are
     * correlated through prompt difficulty, so the posterior must not be too confident).
     */
    static final double POSTERIOR_SD = 0.5;
    /** Posterior draws per policy evaluation. */
    static final int DRAWS = 2000;

    private final Mode mode;
    private final int picksPerPrompt;

    public FeedbackSimulator(Mode mode, int picksPerPrompt) {
        if (picksPerPrompt < 1) {
            throw new IllegalArgumentException("picksPerPrompt must be at least 1, was " + picksPerPrompt);
        }
        this.mode = mode;
        this.picksPerPrompt = picksPerPrompt;
    }

    /**
     * The logging policy's probabilities over the pool for the next prompt, given the labels logged so far (sum and
     * count per expert); random drives the Monte Carlo estimate. Sums to 1.
     */
    public static double[] loggingPolicy(double[] labelSum, int[] count, SplittableRandom random) {
        int experts = count.length;
        double total = 0;
        int n = 0;
        for (int e = 0; e < experts; e++) {
            total += labelSum[e];
            n += count[e];
        }
        double prior = n == 0 ? 0.5 : total / n;
        double[] wins = new double[experts];
        for (int draw = 0; draw < DRAWS; draw++) {
            int best = 0;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (int e = 0; e < experts; e++) {
                double value = (labelSum[e] + prior) / (count[e] + 1)
                        + random.nextGaussian() * POSTERIOR_SD / Math.sqrt(count[e] + 1);
                if (value > bestValue) {
                    bestValue = value;
                    best = e;
                }
            }
            wins[best]++;
        }
        double[] p = new double[experts];
        for (int e = 0; e < experts; e++) {
            p[e] = (1 - EPSILON) * wins[e] / DRAWS + EPSILON / experts;
        }
        return p;
    }

    /**
     * Logged messages for the training prompts (indices into the matrix); served times follow a seeded random order
     * of the prompts, so a time-ordered hold-out is a random subset of prompts.
     */
    public List<LoggedFeedback> simulate(RoutingMatrix matrix, int[] trainPrompts, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = trainPrompts.clone();
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int experts = matrix.expertCount();
        double[] labelSum = new double[experts];
        int[] count = new int[experts];
        List<LoggedFeedback> examples = new ArrayList<>();
        long clock = 1_700_000_000_000L;
        for (int position = 0; position < order.length; position++) {
            int prompt = order[position];
            if (mode == Mode.FULL) {
                for (int e = 0; e < experts; e++) {
                    double label = matrix.label(prompt, e);
                    examples.add(new LoggedFeedback(prompt, e, 1.0, clock++, rating(label), random.nextDouble() < 1 - label));
                }
            } else {
                // The policy is updated between prompts, as a deployment refreshes its prior between batches.
                double[] policy = loggingPolicy(labelSum, count, policyRandom(seed, position));
                for (int pick = 0; pick < picksPerPrompt; pick++) {
                    int e = draw(policy, random);
                    double label = matrix.label(prompt, e);
                    boolean retried = random.nextDouble() < 1 - label;
                    examples.add(new LoggedFeedback(prompt, e, policy[e], clock++, rating(label), retried));
                    labelSum[e] += label;
                    count[e]++;
                }
            }
        }
        return examples;
    }

    /** The Monte Carlo stream of the policy before the position-th prompt: reproducible on its own. */
    static SplittableRandom policyRandom(long seed, int position) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + position);
    }

    private static int draw(double[] policy, SplittableRandom random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int e = 0; e < policy.length; e++) {
            cumulative += policy[e];
            if (u < cumulative) {
                return e;
            }
        }
        return policy.length - 1;
    }

    /** rating = 1 + 4ℓ stars. */
    static float rating(double label) {
        return (float) (1 + 4 * label);
    }

    /** One logged message: which prompt, which expert served it, with what propensity, and the user's signals. */
    public record LoggedFeedback(int prompt, int expert, double propensity, long servedAtMillis, float rating,
            boolean retried) {
    }
}
