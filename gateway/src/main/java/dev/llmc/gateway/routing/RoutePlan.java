package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.ExplorationConfig;
import dev.llmc.model.policy.EpsilonGreedyPolicy;
import dev.llmc.model.policy.ExplorationPolicy;
import dev.llmc.model.policy.GreedyPolicy;
import dev.llmc.model.policy.ThompsonPolicy;
import io.micronaut.core.annotation.Nullable;

/**
 * How to route one turn: a pinned expert (the caller's {@code model}, or an A/B arm's fixed expert), or a
 * controller version (null: the active one) with a policy over its top-k ranking, or (policy null) linear Thompson
 * sampling over every expert. {@code policyName} is what the exposure records; {@code sticky} says whether the
 * conversation may keep its expert (never for a pinned expert or an experiment arm with a randomising policy).
 */
public record RoutePlan(@Nullable String pinnedExpert, @Nullable String controllerVersion,
                        @Nullable ExplorationPolicy policy, String policyName, boolean sticky) {
    public static final String LINEAR_THOMPSON = "linear_thompson";
    private static final ExplorationPolicy GREEDY = new GreedyPolicy();

    /** The active controller, greedy. */
    public static RoutePlan auto() {
        return new RoutePlan(null, null, GREEDY, "greedy", true);
    }

    /** Exactly this expert. */
    public static RoutePlan pinned(String expertName) {
        return new RoutePlan(expertName, null, GREEDY, "pinned", false);
    }

    /** Automatically routed turns outside experiments: the active controller with the configured exploration. */
    public static RoutePlan outsideExperiments(ExplorationConfig config) {
        return switch (config.policy()) {
            case ExplorationConfig.EPSILON_GREEDY -> new RoutePlan(null, null, new EpsilonGreedyPolicy(config.epsilon()), "epsilon_greedy", true);
            case ExplorationConfig.THOMPSON -> new RoutePlan(null, null, new ThompsonPolicy(config.sigma()), "thompson", true);
            case ExplorationConfig.LINEAR_THOMPSON -> new RoutePlan(null, null, null, LINEAR_THOMPSON, true);
            default -> auto();
        };
    }

    /** Whether the turn is chosen by linear Thompson sampling over every expert rather than a policy over a ranking. */
    public boolean linearThompson() {
        return pinnedExpert == null && policy == null;
    }
}
