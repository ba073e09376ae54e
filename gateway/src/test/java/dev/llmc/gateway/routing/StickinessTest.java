package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.StickinessConfig;
import dev.llmc.model.policy.EpsilonGreedyPolicy;
import dev.llmc.model.policy.ExplorationPolicy;
import dev.llmc.model.policy.GreedyPolicy;
import dev.llmc.model.scoring.ScoredExpert;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StickinessTest {
    private final AtomicLong now = new AtomicLong();
    private final InMemoryConversationExperts store = new InMemoryConversationExperts(Duration.ofMinutes(10), now::get);
    private final Stickiness stickiness = new Stickiness(store, new StickinessConfig(true, 0.05, Duration.ofMinutes(10)));
    private final Map<String, ScoredExpert> scores = Map.of(
            "cooking", new ScoredExpert("cooking", 0.60),
            "baking", new ScoredExpert("baking", 0.57),
            "code", new ScoredExpert("code", 0.50));

    private String choose(String best) {
        return stickiness.choose("c1", new ExplorationPolicy.Choice(scores.get(best), 1.0), scores::get).expert().expertId();
    }

    @Test
    void keepsThePreviousExpertWithinTheMargin() {
        stickiness.record("c1", "baking");

        assertEquals("baking", choose("cooking"), "0.57 is within 0.05 of 0.60");
    }

    @Test
    void switchesWhenTheBestIsClearlyBetter() {
        stickiness.record("c1", "code");

        assertEquals("cooking", choose("cooking"), "0.50 is 0.10 below 0.60");
    }

    @Test
    void switchesWhenThePreviousExpertIsNoLongerRoutable() {
        stickiness.record("c1", "retired");

        assertEquals("cooking", choose("cooking"));
    }

    @Test
    void forgetsTheConversationAfterItsTimeToLive() {
        stickiness.record("c1", "baking");
        now.addAndGet(Duration.ofMinutes(10).toMillis());

        assertEquals("cooking", choose("cooking"));
    }

    @Test
    void appliesOnlyToGreedyControllerRouting() {
        assertTrue(stickiness.appliesTo(RoutePlan.auto(), "c1"));
        assertFalse(stickiness.appliesTo(RoutePlan.pinned("cooking"), "c1"), "a pinned expert is never overridden");
        assertFalse(stickiness.appliesTo(new RoutePlan(null, null, new EpsilonGreedyPolicy(0.1)), "c1"),
                "a randomising arm keeps its propensities");
        assertTrue(stickiness.appliesTo(new RoutePlan(null, "ctl-1", new GreedyPolicy()), "c1"), "controller-version arms stick");
        assertFalse(stickiness.appliesTo(RoutePlan.auto(), null));
    }
}
