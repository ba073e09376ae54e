package dev.llmc.model.policy;

import dev.llmc.model.scoring.ScoredExpert;

import java.util.List;
import java.util.random.RandomGenerator;

/** A uniformly random expert of the ranking (top-k), propensity 1/k: the baseline arm and pure exploration. */
public final class RandomPolicy implements ExplorationPolicy {

    @Override
    public Choice choose(List<ScoredExpert> ranking, RandomGenerator random) {
        if (ranking.isEmpty()) {
            throw new IllegalArgumentException("cannot choose from an empty ranking");
        }
        return new Choice(ranking.get(random.nextInt(ranking.size())), 1.0 / ranking.size());
    }

    @Override
    public double propensity(List<ScoredExpert> ranking, int index) {
        return 1.0 / ranking.size();
    }
}
