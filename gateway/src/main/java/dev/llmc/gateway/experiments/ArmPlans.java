package dev.llmc.gateway.experiments;

import dev.llmc.abtest.experiment.Arm;
import dev.llmc.abtest.experiment.PolicySpec;
import dev.llmc.gateway.routing.RoutePlan;
import dev.llmc.model.policy.EpsilonGreedyPolicy;
import dev.llmc.model.policy.ExplorationPolicy;
import dev.llmc.model.policy.GreedyPolicy;
import dev.llmc.model.policy.RandomPolicy;
import dev.llmc.model.policy.ThompsonPolicy;

/**
 * Translates an arm's treatment into the router's plan: a controller version (greedy), a policy over the active
 * controller, or a fixed expert. Only greedy arms keep a conversation's expert: a randomising arm's per-turn draws are
 * what the experiment measures.
 */
final class ArmPlans {
    private static final ExplorationPolicy GREEDY = new GreedyPolicy();

    private ArmPlans() {
    }

    static RoutePlan plan(Arm arm) {
        if (arm.expert() != null) {
            return RoutePlan.pinned(arm.expert());
        }
        if (arm.controllerVersion() != null) {
            return new RoutePlan(null, arm.controllerVersion(), GREEDY, "greedy", true);
        }
        ExplorationPolicy policy = policy(arm.policy());
        return new RoutePlan(null, null, policy, arm.policy().type(), policy instanceof GreedyPolicy);
    }

    static ExplorationPolicy policy(PolicySpec spec) {
        return switch (spec.type()) {
            case "epsilon_greedy" -> new EpsilonGreedyPolicy(spec.epsilon());
            case "thompson" -> new ThompsonPolicy(spec.sigma());
            case "random" -> new RandomPolicy();
            default -> GREEDY;
        };
    }
}
