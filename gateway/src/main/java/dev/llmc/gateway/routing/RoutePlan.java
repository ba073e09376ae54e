package dev.llmc.gateway.routing;

import dev.llmc.model.policy.ExplorationPolicy;
import dev.llmc.model.policy.GreedyPolicy;
import io.micronaut.core.annotation.Nullable;

/**
 * How to route one turn: a pinned expert (the caller's {@code model}, or an A/B arm's fixed expert), or a
 * controller version (null: the active one) with an exploration policy.
 */
public record RoutePlan(@Nullable String pinnedExpert, @Nullable String controllerVersion, ExplorationPolicy policy) {
    private static final ExplorationPolicy GREEDY = new GreedyPolicy();

    /** The active controller, greedy. */
    public static RoutePlan auto() {
        return new RoutePlan(null, null, GREEDY);
    }

    /** Exactly this expert. */
    public static RoutePlan pinned(String expertName) {
        return new RoutePlan(expertName, null, GREEDY);
    }
}
