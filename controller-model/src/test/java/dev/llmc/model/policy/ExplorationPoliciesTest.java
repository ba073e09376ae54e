package dev.llmc.model.policy;

import dev.llmc.model.scoring.ScoredExpert;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExplorationPoliciesTest {
    private static final List<ScoredExpert> RANKING = List.of(
            new ScoredExpert("a", 0.60), new ScoredExpert("b", 0.55), new ScoredExpert("c", 0.40));
    private static final int DRAWS = 200_000;

    /** Picks DRAWS times; returns each expert's share and checks the reported propensity matches it. */
    private static Map<String, Double> assertPropensitiesMatchFrequencies(ExplorationPolicy policy, double tolerance) {
        RandomGenerator random = new SplittableRandom(42);
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Double> propensities = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) {
            ExplorationPolicy.Choice choice = policy.choose(RANKING, random);
            counts.merge(choice.expert().expertId(), 1, Integer::sum);
            propensities.put(choice.expert().expertId(), choice.propensity());
        }
        Map<String, Double> shares = new HashMap<>();
        counts.forEach((id, count) -> {
            double share = count / (double) DRAWS;
            shares.put(id, share);
            assertEquals(share, propensities.get(id), tolerance, "propensity of " + id);
        });
        return shares;
    }

    @Test
    void epsilonGreedyPropensitiesMatchHowOftenEachExpertIsPicked() {
        Map<String, Double> shares = assertPropensitiesMatchFrequencies(new EpsilonGreedyPolicy(0.3), 0.005);
        assertEquals(1 - 0.3 + 0.1, shares.get("a"), 0.005);
        assertEquals(0.1, shares.get("c"), 0.005);
    }

    @Test
    void randomPolicyPicksEachCandidateWithProbabilityOneOverK() {
        Map<String, Double> shares = assertPropensitiesMatchFrequencies(new RandomPolicy(), 0.005);
        shares.values().forEach(share -> assertEquals(1 / 3.0, share, 0.005));
    }

    @Test
    void thompsonPropensityEqualsTheSimulatedWinningFrequency() {
        Map<String, Double> shares = assertPropensitiesMatchFrequencies(new ThompsonPolicy(0.05), 0.005);
        // a and b are one σ apart: b still wins often; c, four σ behind a, almost never.
        assertEquals(true, shares.get("b") > 0.2, shares.toString());
        assertEquals(true, shares.getOrDefault("c", 0.0) < 0.01, shares.toString());
    }

    @Test
    void everyPolicysPropensitiesOfAllPositionsSumToOneAndMatchItsChoices() {
        RandomGenerator random = new SplittableRandom(9);
        for (ExplorationPolicy policy : List.of(new GreedyPolicy(), new EpsilonGreedyPolicy(0.3), new RandomPolicy(), new ThompsonPolicy(0.1))) {
            double total = 0;
            for (int i = 0; i < RANKING.size(); i++) {
                total += policy.propensity(RANKING, i);
            }
            assertEquals(1.0, total, 1e-6, policy.getClass().getSimpleName());
            ExplorationPolicy.Choice choice = policy.choose(RANKING, random);
            assertEquals(policy.propensity(RANKING, RANKING.indexOf(choice.expert())), choice.propensity(), 1e-12,
                    policy.getClass().getSimpleName());
        }
        assertEquals(0.0, new GreedyPolicy().propensity(RANKING, 1), "greedy never picks the runner-up");
    }

    @Test
    void thompsonWithTiedScoresIsUniform() {
        List<ScoredExpert> tied = List.of(new ScoredExpert("a", 0.5), new ScoredExpert("b", 0.5), new ScoredExpert("c", 0.5));
        assertEquals(1 / 3.0, new ThompsonPolicy(0.05).propensity(tied, 2), 1e-6);
    }
}
