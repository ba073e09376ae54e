package dev.llmc.gateway.routing;

import dev.llmc.model.policy.ExplorationPolicy;
import dev.llmc.model.scoring.ScoredExpert;
import io.micronaut.core.annotation.Nullable;

import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * The cold-start guarantee on top of any exploration policy: with probability {@code share} a turn goes to the
 * best-scoring expert that still has little feedback, so a new expert gets enough traffic to learn its θ even when
 * its description scores it below an incumbent. The propensity is that of the mixture,
 * p(m) = (1 − share)·p_policy(m) + share·[m = best new], where p_policy is the probability that the policy (with
 * stickiness, when it applies) serves m.
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
     * @param policyChoice what the policy served, before the cold-start share
     * @param policyOdds   the probability that the policy serves an expert (by id); 0 for experts it could not serve
     * @param bestNew      the best-scoring expert with little feedback, or null when there is none
     */
    public ExplorationPolicy.Choice apply(ExplorationPolicy.Choice policyChoice, ToDoubleFunction<String> policyOdds,
                                         @Nullable ScoredExpert bestNew, RandomGenerator random) {
        if (bestNew == null || share == 0) {
            return policyChoice;
        }
        ScoredExpert served = random.nextDouble() < share ? bestNew : policyChoice.expert();
        double propensity = (1 - share) * policyOdds.applyAsDouble(served.expertId())
                + (served.expertId().equals(bestNew.expertId()) ? share : 0);
        return new ExplorationPolicy.Choice(served, propensity);
    }
}
