package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.ExplorationConfig;
import dev.llmc.model.policy.EpsilonGreedyPolicy;
import dev.llmc.model.policy.GreedyPolicy;
import dev.llmc.model.policy.ThompsonPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Turns outside experiments are routed by the configured exploration policy, with its parameters. */
class RoutePlanTest {

    private static RoutePlan configured(String policy) {
        return RoutePlan.outsideExperiments(new ExplorationConfig(policy, 0.2, 0.3, 1.0, 0.25, 1000, Duration.ofSeconds(1)));
    }

    @Test
    void greedyByDefault() {
        RoutePlan plan = configured("greedy");
        assertInstanceOf(GreedyPolicy.class, plan.policy());
        assertEquals("greedy", plan.policyName());
        assertTrue(plan.sticky());
        assertFalse(plan.linearThompson());
    }

    @Test
    void epsilonGreedyWithTheConfiguredEpsilon() {
        RoutePlan plan = configured("epsilon-greedy");
        assertEquals(0.2, assertInstanceOf(EpsilonGreedyPolicy.class, plan.policy()).epsilon());
        assertEquals("epsilon_greedy", plan.policyName());
    }

    @Test
    void thompsonWithTheConfiguredSigma() {
        RoutePlan plan = configured("thompson");
        assertEquals(0.3, assertInstanceOf(ThompsonPolicy.class, plan.policy()).sigma());
        assertEquals("thompson", plan.policyName());
    }

    @Test
    void linearThompsonSamplesOverEveryExpert() {
        RoutePlan plan = configured("linear-thompson");
        assertTrue(plan.linearThompson());
        assertEquals("linear_thompson", plan.policyName());
        assertTrue(plan.sticky(), "outside experiments the conversation keeps its expert, with the propensity composed");
    }
}
