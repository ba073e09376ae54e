package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.StickinessConfig;
import dev.llmc.model.policy.ExplorationPolicy;
import dev.llmc.model.policy.GreedyPolicy;
import dev.llmc.model.scoring.ScoredExpert;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.function.Function;

/**
 * Conversation stickiness: a conversation keeps the expert that answered its last turn while that expert still scores
 * within the margin of the best, score(previous) ≥ score(best) − margin, so it does not bounce between experts on
 * near-ties; a clearly better expert takes over.
 * <p>
 * It applies only to greedy controller routing (the default, and controller-version arms of experiments). Pinned
 * experts (the caller's {@code model}, an arm's fixed expert) are never overridden, and neither are arms with a
 * randomising policy (epsilon-greedy, Thompson, random): their per-turn randomisation and propensities are the
 * experiment, and overriding them would bias the off-policy estimates computed from those propensities. Under greedy
 * routing the sticky choice is deterministic given the recorded expert, so its propensity is 1.
 */
@Singleton
public final class Stickiness {
    private final ConversationExperts experts;
    private final boolean enabled;
    private final double margin;

    Stickiness(ConversationExperts experts, StickinessConfig config) {
        this.experts = experts;
        this.enabled = config.enabled();
        this.margin = config.margin();
    }

    /** Whether turns routed by this plan keep their conversation's expert. */
    boolean appliesTo(RoutePlan plan, @Nullable String conversationId) {
        return enabled && conversationId != null && plan.pinnedExpert() == null && plan.policy() instanceof GreedyPolicy;
    }

    /**
     * The conversation's previous expert if it is still routable ({@code rescore} gives its score now, or null when it
     * is no longer active and healthy) and within the margin of {@code best}; otherwise {@code best}.
     */
    ExplorationPolicy.Choice choose(String conversationId, ExplorationPolicy.Choice best,
                                    Function<String, @Nullable ScoredExpert> rescore) {
        Optional<String> previous = experts.get(conversationId);
        if (previous.isEmpty() || previous.get().equals(best.expert().expertId())) {
            return best;
        }
        ScoredExpert kept = rescore.apply(previous.get());
        return kept != null && keeps(kept.score(), best.expert().score()) ? new ExplorationPolicy.Choice(kept, 1.0) : best;
    }

    boolean keeps(double previousScore, double bestScore) {
        return previousScore >= bestScore - margin;
    }

    /** Remembers the expert chosen for the conversation's turn. */
    void record(String conversationId, String expertId) {
        experts.put(conversationId, expertId);
    }
}
