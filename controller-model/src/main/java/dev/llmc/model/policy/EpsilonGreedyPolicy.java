package dev.llmc.model.policy;

import dev.llmc.model.scoring.ScoredExpert;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * With probability ε a uniformly random expert of the ranking (top-k), otherwise the best. Propensities over k
 * candidates: the best 1 − ε + ε/k, every other ε/k.
 */
public final class EpsilonGreedyPolicy implements ExplorationPolicy {
    private final double epsilon;

    public EpsilonGreedyPolicy(double epsilon) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], was " + epsilon);
        }
        this.epsilon = epsilon;
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    public Choice choose(List<ScoredExpert> ranking, RandomGenerator random) {
        if (ranking.isEmpty()) {
            throw new IllegalArgumentException("cannot choose from an empty ranking");
        }
        int k = ranking.size();
        int index = random.nextDouble() < epsilon ? random.nextInt(k) : 0;
        return new Choice(ranking.get(index), propensity(index, k));
    }

    @Override
    public double propensity(List<ScoredExpert> ranking, int index) {
        return propensity(index, ranking.size());
    }

    /** The probability of picking position {@code index} of a ranking of {@code k}. */
    public double propensity(int index, int k) {
        return index == 0 ? 1 - epsilon + epsilon / k : epsilon / k;
    }
}
