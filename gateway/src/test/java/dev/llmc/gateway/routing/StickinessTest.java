package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.StickinessConfig;
import dev.llmc.model.policy.EpsilonGreedyPolicy;
import dev.llmc.model.policy.GreedyPolicy;
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
    private final Map<String, Double> scores = Map.of("cooking", 0.60, "baking", 0.57, "code", 0.50);

    /** What the router serves when greedy picks {@code best}: the previous expert if it is still scored and kept. */
    private String choose(String best) {
        return stickiness.previous("c1").filter(scores::containsKey)
                .filter(previous -> stickiness.keeps(scores.get(previous), scores.get(best))).orElse(best);
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
    void appliesToStickyPlansOnly() {
        assertTrue(stickiness.appliesTo(RoutePlan.auto(), "c1"));
        assertFalse(stickiness.appliesTo(RoutePlan.pinned("cooking"), "c1"), "a pinned expert is never overridden");
        assertFalse(stickiness.appliesTo(new RoutePlan(null, null, new EpsilonGreedyPolicy(0.1), "epsilon_greedy", false), "c1"),
                "a randomising arm keeps its per-turn draws");
        assertTrue(stickiness.appliesTo(new RoutePlan(null, "ctl-1", new GreedyPolicy(), "greedy", true), "c1"), "controller-version arms stick");
        assertTrue(stickiness.appliesTo(new RoutePlan(null, null, null, RoutePlan.LINEAR_THOMPSON, true), "c1"),
                "the configured policy outside experiments sticks, with its propensities composed");
        assertFalse(stickiness.appliesTo(RoutePlan.auto(), null));
    }
}
