package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.api.ApiException;
import dev.llmc.gateway.proxy.ExpertNodeClient;
import dev.llmc.gateway.proxy.UpstreamException;
import dev.llmc.gateway.routing.ExpertRouter;
import dev.llmc.gateway.routing.RankedExpert;
import dev.llmc.gateway.routing.RoutePlan;
import dev.llmc.model.encoder.ChatTurn;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/** Serves one conversation turn: route, call the chosen expert, fall back down the ranking if its node fails. */
@Singleton
final class ChatService {
    private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final ExpertRouter router;
    private final ExpertNodeClient nodes;

    ChatService(ExpertRouter router, ExpertNodeClient nodes) {
        this.router = router;
        this.nodes = nodes;
    }

    /**
     * @param conversation the turns as the encoder sees them
     * @param upstreamRequest the OpenAI request to forward (its {@code model} is replaced per node)
     * @param pinnedExpert an expert name the caller asked for, or null to let the controller choose
     */
    ChatResult complete(List<ChatTurn> conversation, ObjectNode upstreamRequest, @Nullable String pinnedExpert) {
        RoutePlan plan = pinnedExpert == null ? RoutePlan.auto() : RoutePlan.pinned(pinnedExpert);
        List<RankedExpert> candidates = router.route(conversation, plan).candidates();
        String messageId = newId("msg_");
        List<String> failures = new ArrayList<>();
        for (RankedExpert candidate : candidates) {
            try {
                ObjectNode completion = nodes.complete(candidate.expert(), upstreamRequest);
                if (!failures.isEmpty()) {
                    LOG.warn("message {} fell back to expert {} after: {}", messageId, candidate.expert().name(), failures);
                }
                return new ChatResult(messageId, candidate.expert(), completion);
            } catch (UpstreamException e) {
                failures.add(candidate.expert().name() + ": " + e.getMessage());
            }
        }
        LOG.warn("message {}: no expert node answered: {}", messageId, failures);
        throw new ApiException(HttpStatus.BAD_GATEWAY, "upstream_unavailable",
                "no expert node answered (" + String.join("; ", failures) + ")");
    }

    static String newId(String prefix) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 24; i++) {
            id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }
}
