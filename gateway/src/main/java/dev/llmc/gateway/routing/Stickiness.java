package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.StickinessConfig;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Conversation stickiness: a conversation keeps the expert that answered its last turn while that expert still scores
 * within the margin of the policy's choice, score(previous) ≥ score(chosen) − margin, so it does not bounce between
 * experts on near-ties; a clearly better expert takes over.
 * <p>
 * It applies to plans that allow it ({@link RoutePlan#sticky()}): automatically routed turns outside experiments under
 * any configured policy, and greedy experiment arms. Pinned experts (the caller's {@code model}, an arm's fixed expert)
 * are never overridden, and neither are experiment arms with a randomising policy (epsilon-greedy, Thompson, random),
 * whose per-turn draws are what the experiment compares. Where it applies, the router logs the probability of the
 * served expert after stickiness (see {@link ExpertRouter}), so off-policy estimates stay valid.
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
        return enabled && conversationId != null && plan.pinnedExpert() == null && plan.sticky();
    }

    /** The expert that answered the conversation's last turn, while remembered. */
    Optional<String> previous(String conversationId) {
        return experts.get(conversationId);
    }

    /** Whether the previous expert is kept over a choice scoring {@code chosenScore}. */
    boolean keeps(double previousScore, double chosenScore) {
        return previousScore >= chosenScore - margin;
    }

    /** Remembers the expert chosen for the conversation's turn. */
    void record(String conversationId, String expertId) {
        experts.put(conversationId, expertId);
    }
}
