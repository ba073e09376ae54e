package dev.llmc.model.offpolicy;

import java.util.SplittableRandom;

/**
 * Logged traffic with a known truth: three topics (equally likely), three experts, a reward that is 1 with
 * probability P[topic][expert] plus the user's own leaning (±0.1, so a user's decisions are correlated but the
 * leanings average out), logged by ε-greedy routing around the best expert per topic.
 */
final class SyntheticLog {
    static final int TOPICS = 3;
    static final double[][] P = {{0.8, 0.3, 0.2}, {0.25, 0.75, 0.3}, {0.2, 0.35, 0.7}};
    /** The best expert per topic (what the logging policy favours) and a policy that sends every topic to expert 0. */
    static final int[] GOOD = {0, 1, 2};
    static final int[] BAD = {0, 0, 0};
    static final double EPSILON = 0.3;

    private SyntheticLog() {
    }

    /** The true mean reward of a deterministic policy. */
    static double value(int[] policy) {
        double sum = 0;
        for (int topic = 0; topic < TOPICS; topic++) {
            sum += P[topic][policy[topic]];
        }
        return sum / TOPICS;
    }

    /** The true mean reward of the ε-greedy logging policy. */
    static double loggingValue() {
        double sum = 0;
        for (int topic = 0; topic < TOPICS; topic++) {
            for (int expert = 0; expert < TOPICS; expert++) {
                sum += propensity(topic, expert) * P[topic][expert];
            }
        }
        return sum / TOPICS;
    }

    static OffPolicyEstimator epsilonGreedy(SplittableRandom random, int users, int turnsPerUser, int[] first, int[] second) {
        return epsilonGreedy(random, users, turnsPerUser, first, second, false);
    }

    /** Two target policies evaluated on one log; {@code unitPerMessage} pretends every decision is its own unit. */
    static OffPolicyEstimator epsilonGreedy(SplittableRandom random, int users, int turnsPerUser, int[] first, int[] second,
                                            boolean unitPerMessage) {
        OffPolicyEstimator estimator = new OffPolicyEstimator(2);
        for (int user = 0; user < users; user++) {
            double leaning = random.nextBoolean() ? 0.1 : -0.1;
            for (int turn = 0; turn < turnsPerUser; turn++) {
                int topic = random.nextInt(TOPICS);
                int expert = random.nextDouble() < EPSILON ? random.nextInt(TOPICS) : GOOD[topic];
                double reward = random.nextDouble() < P[topic][expert] + leaning ? 1 : 0;
                String unit = unitPerMessage ? user + "/" + turn : "u" + user;
                estimator.add(unit, reward, propensity(topic, expert), first[topic] == expert, second[topic] == expert);
            }
        }
        return estimator;
    }

    private static double propensity(int topic, int expert) {
        return EPSILON / TOPICS + (GOOD[topic] == expert ? 1 - EPSILON : 0);
    }
}
