package dev.llmc.model.policy;

import dev.llmc.model.scoring.ScoredExpert;

import java.util.List;
import java.util.random.RandomGenerator;

/** Picks one expert from a ranking (greedy, ε-greedy, Thompson, random) and says how likely that pick was. */
public interface ExplorationPolicy {

    /** Chooses from a non-empty ranking (best first); the choice's propensity is the probability of picking it. */
    Choice choose(List<ScoredExpert> ranking, RandomGenerator random);

    /** The probability of picking the expert at {@code index} of the ranking (the same the choice reports for it). */
    double propensity(List<ScoredExpert> ranking, int index);

    /** The picked expert and the probability the policy had of picking it (for off-policy estimates). */
    record Choice(ScoredExpert expert, double propensity) {
    }
}
