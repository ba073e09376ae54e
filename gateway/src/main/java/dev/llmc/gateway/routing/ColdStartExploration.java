package dev.llmc.gateway.routing;

import dev.llmc.model.policy.ExplorationPolicy;
import dev.llmc.model.scoring.ScoredExpert;

import java.util.random.RandomGenerator;

/**
 * The cold-start guarantee on top of any exploration policy: with probability {@code share} a turn goes to the
 * best-scoring expert that still has little feedback, so a new expert gets enough traffic to learn its θ even when
 * its description scores it below an incumbent. The propensity is that of the mixture,
 * p(m) = (1 − share)·p_policy(m) + share·[m = best new], exact when the policy's only non-zero probability is its choice (greedy).
 */
public final class ColdStartExploration {
    private final double share;

    public ColdStartExploration(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be within [0, 1], was " + share);
        }
        this.share = share;
    }

    /**
     * @param policyChoice what the routing policy picked, with its propensity
     * @param bestNew the best-scoring expert with little feedback, or null when there is none
     */
    public ExplorationPolicy.Choice apply(ExplorationPolicy.Choice policyChoice, ScoredExpert bestNew, RandomGenerator random) {
        if (bestNew == null || share == 0) {
            return policyChoice;
        }
        boolean same = policyChoice.expert().expertId().equals(bestNew.expertId());
        if (random.nextDouble() < share) {
            return new ExplorationPolicy.Choice(bestNew, share + (1 - share) * (same ? policyChoice.propensity() : 0));
        }
        return new ExplorationPolicy.Choice(policyChoice.expert(),
                (1 - share) * policyChoice.propensity() + (same ? share : 0));
    }
}
