package dev.llmc.gateway.routing;

import dev.llmc.model.policy.ExplorationPolicy;
import dev.llmc.model.scoring.ScoredExpert;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ColdStartExplorationTest {

    @Test
    void theLoggedPropensityIsTheMixtureOfThePolicyAndTheShare() {
        // A policy that serves a with 0.7, b with 0.3; b is new and gets the cold-start share 0.2:
        // P(a) = 0.8·0.7 = 0.56, P(b) = 0.8·0.3 + 0.2 = 0.44.
        ColdStartExploration coldStart = new ColdStartExploration(0.2);
        Map<String, Double> odds = Map.of("a", 0.7, "b", 0.3);
        ScoredExpert a = new ScoredExpert("a", 0.9);
        ScoredExpert b = new ScoredExpert("b", 0.4);
        SplittableRandom random = new SplittableRandom(5);
        Map<String, Integer> served = new HashMap<>();
        Map<String, Double> logged = new HashMap<>();
        int turns = 100_000;
        for (int i = 0; i < turns; i++) {
            ExplorationPolicy.Choice policy = new ExplorationPolicy.Choice(random.nextDouble() < 0.7 ? a : b, Double.NaN);
            ExplorationPolicy.Choice choice = coldStart.apply(policy, id -> odds.getOrDefault(id, 0.0), b, random);
            served.merge(choice.expert().expertId(), 1, Integer::sum);
            logged.put(choice.expert().expertId(), choice.propensity());
        }
        assertEquals(0.56, logged.get("a"), 1e-12);
        assertEquals(0.44, logged.get("b"), 1e-12);
        assertEquals(0.56, served.get("a") / (double) turns, 0.005);
        assertEquals(0.44, served.get("b") / (double) turns, 0.005);
    }
}
