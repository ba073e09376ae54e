package dev.llmc.gateway.routing;

import dev.llmc.gateway.api.ApiException;
import dev.llmc.gateway.config.RoutingConfig;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.scoring.ExpertScorer;
import dev.llmc.model.scoring.ExpertVector;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Chooses experts for a conversation from the in-memory registry snapshot (no database on this path):
 * a pinned expert as asked, otherwise the top-k by score(m|C) = θ_m · x_C + b_m with x_C = e(C).
 */
@Singleton
public final class ExpertRouter {
    private final ExpertCatalog catalog;
    private final ConversationEncoder encoder;
    private final RoutingConfig config;

    ExpertRouter(ExpertCatalog catalog, ConversationEncoder encoder, RoutingConfig config) {
        this.catalog = catalog;
        this.encoder = encoder;
        this.config = config;
    }

    /** Candidates in the order to try them: best first, the rest as fallbacks. */
    public List<RankedExpert> route(List<ChatTurn> conversation, @Nullable String pinnedExpert) {
        if (pinnedExpert != null) {
            Expert expert = catalog.activeByName(pinnedExpert).orElseThrow(() -> ApiException.notFound("model_not_found",
                    "no active expert named '" + pinnedExpert + "'; GET /v1/models lists them, or use model 'auto'"));
            return List.of(new RankedExpert(expert, Double.NaN));
        }
        List<Expert> active = catalog.active();
        if (active.isEmpty()) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "no_active_expert",
                    "no active expert is registered; register one with POST /experts");
        }
        float[] conversationVector = encoder.encode(conversation);
        Map<String, Expert> byId = active.stream().collect(Collectors.toMap(Expert::id, Function.identity()));
        List<ExpertVector> vectors = active.stream()
                .map(expert -> new ExpertVector(expert.id(), expert.theta(), 0f))
                .toList();
        List<ScoredExpert> ranked = ExpertScorer.rank(conversationVector, vectors, config.topK());
        return ranked.stream().map(scored -> new RankedExpert(byId.get(scored.expertId()), scored.score())).toList();
    }
}
