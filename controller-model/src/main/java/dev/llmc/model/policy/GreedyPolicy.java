package dev.llmc.model.policy;

import dev.llmc.model.scoring.ScoredExpert;

import java.util.List;
import java.util.random.RandomGenerator;

/** Always the best-scoring expert: propensity 1. */
public final class GreedyPolicy implements ExplorationPolicy {

    @Override
    public Choice choose(List<ScoredExpert> ranking, RandomGenerator random) {
        if (ranking.isEmpty()) {
            throw new IllegalArgumentException("cannot choose from an empty ranking");
        }
        return new Choice(ranking.getFirst(), 1.0);
    }

    @Override
    public double propensity(List<ScoredExpert> ranking, int index) {
        return index == 0 ? 1.0 : 0.0;
    }
}
