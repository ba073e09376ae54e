package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.gateway.api.ApiException;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.events.MessageLedger;
import dev.llmc.gateway.experiments.Assignment;
import dev.llmc.gateway.experiments.ExperimentService;
import dev.llmc.gateway.feedback.FeedbackService;
import dev.llmc.gateway.proxy.ExpertNodeClient;
import dev.llmc.gateway.proxy.UpstreamException;
import dev.llmc.gateway.routing.ExpertRouter;
import dev.llmc.gateway.routing.RankedExpert;
import dev.llmc.gateway.routing.RoutePlan;
import dev.llmc.gateway.routing.RoutingDecision;
import dev.llmc.model.encoder.ChatTurn;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Serves one conversation turn: assign the unit to an experiment arm, route by the arm's plan (or the active
 * controller), call the chosen expert, fall back down the ranking if its node fails, and log the exposure.
 */
@Singleton
final class ChatService {
    private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    private final ExpertRouter router;
    private final ExpertNodeClient nodes;
    private final ExperimentService experiments;
    private final EventPipeline events;
    private final MessageLedger ledger;
    private final FeedbackService feedback;

    ChatService(ExpertRouter router, ExpertNodeClient nodes, ExperimentService experiments, EventPipeline events,
                MessageLedger ledger, FeedbackService feedback) {
        this.router = router;
        this.nodes = nodes;
        this.experiments = experiments;
        this.events = events;
        this.ledger = ledger;
        this.feedback = feedback;
    }

    ChatResult complete(ChatTurnRequest request) {
        long start = System.nanoTime();
        String replaced = request.regenerate() ? replacedMessage(request.conversationId()) : null;
        // A caller who names an expert is outside experiments: the arm's treatment could not apply anyway.
        Optional<Assignment> assignment = request.pinnedExpert() == null
                ? experiments.assign(request.userId(), request.conversationId()) : Optional.empty();
        RoutePlan plan = request.pinnedExpert() != null ? RoutePlan.pinned(request.pinnedExpert())
                : assignment.map(Assignment::plan).orElse(RoutePlan.auto());
        RoutingDecision decision = router.route(request.conversation(), plan);
        String messageId = newId("msg_");
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < decision.candidates().size(); i++) {
            RankedExpert candidate = decision.candidates().get(i);
            ObjectNode completion;
            try {
                completion = nodes.complete(candidate.expert(), request.upstreamRequest());
            } catch (UpstreamException e) {
                failures.add(candidate.expert().name() + ": " + e.getMessage());
                continue;
            }
            if (!failures.isEmpty()) {
                LOG.warn("message {} fell back to expert {} after: {}", messageId, candidate.expert().name(), failures);
            }
            // A fallback was not the policy's choice: its propensity is unknown (NaN), so off-policy estimates skip it.
            double propensity = i == 0 ? decision.propensity() : Double.NaN;
            long latencyMillis = (System.nanoTime() - start) / 1_000_000;
            events.record(new Exposure(messageId, request.userId(), request.conversationId(), userTurns(request.conversation()),
                    assignment.map(a -> a.experiment().id()).orElse(null), assignment.map(a -> a.arm().name()).orElse(null),
                    decision.controllerVersion(), candidate.expert().id(), candidate.expert().name(), candidate.score(),
                    propensity, decision.embedding(), (int) Math.min(Integer.MAX_VALUE, latencyMillis), Instant.now(), replaced));
            if (replaced != null) {
                feedback.recordRetry(replaced);
            }
            return new ChatResult(messageId, candidate.expert(), completion);
        }
        LOG.warn("message {}: no expert node answered: {}", messageId, failures);
        throw new ApiException(HttpStatus.BAD_GATEWAY, "upstream_unavailable",
                "no expert node answered (" + String.join("; ", failures) + ")");
    }

    private String replacedMessage(String conversationId) {
        try {
            return ledger.lastMessage(conversationId).orElseThrow(() -> ApiException.invalid("'regenerate': conversation '"
                    + conversationId + "' has no earlier reply to replace"));
        } catch (MessageLedger.LedgerUnavailableException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "event_log_unavailable",
                    "the reply to regenerate cannot be found right now; retry shortly");
        }
    }

    /** The turn number: how many user messages the conversation has, this one included. */
    private static int userTurns(List<ChatTurn> conversation) {
        int turns = 0;
        for (ChatTurn turn : conversation) {
            if (turn.role().equals("user")) {
                turns++;
            }
        }
        return turns;
    }

    /**
     * A prefixed id of 24 random characters (over 120 bits: message ids are unguessable). One {@code nextBytes} per id,
     * not one {@code nextInt} per character: each call to the default SecureRandom takes a lock and runs a digest,
     * which made ids a visible share of the request path's CPU time ({@code ./llmc bench gateway}).
     */
    static String newId(String prefix) {
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        StringBuilder id = new StringBuilder(prefix.length() + random.length).append(prefix);
        for (byte b : random) {
            // 256 % 36 = 4: the alphabet's first four characters are 8/7 as likely as the rest (under 0.1 bit less per character).
            id.append(ID_ALPHABET.charAt((b & 0xff) % ID_ALPHABET.length()));
        }
        return id.toString();
    }
}
