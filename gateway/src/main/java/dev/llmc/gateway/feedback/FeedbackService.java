package dev.llmc.gateway.feedback;

import dev.llmc.abtest.signal.InvalidSignalException;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.Signals;
import dev.llmc.gateway.api.ApiException;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.events.MessageLedger;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * Records users' reactions to messages: validates the signal, checks the message exists (also while its exposure
 * is still buffered) and belongs to the caller's owner (another owner's message is answered exactly like an unknown
 * one; admins may give feedback on any), and records a signal once: an identical repeat is accepted without a second record, a
 * different rating for the same message is a conflict.
 */
@Singleton
public final class FeedbackService {
    private final MessageLedger ledger;
    private final EventPipeline events;
    private final Clock clock = Clock.systemUTC();

    FeedbackService(MessageLedger ledger, EventPipeline events) {
        this.ledger = ledger;
        this.events = events;
    }

    /** The outcome: the signal as recorded, and whether it repeated an earlier one. */
    public record Outcome(Signal signal, boolean repeated) {
    }

    public Outcome submit(Caller caller, String messageId, String type, Double value) {
        if (messageId == null || messageId.isBlank()) {
            throw ApiException.invalid("'message_id' is required");
        }
        if (messageId.length() > 128) {
            throw ApiException.invalid("'message_id' must be at most 128 characters");
        }
        Signal signal;
        try {
            signal = Signals.parse(messageId, type, value, clock.instant());
        } catch (InvalidSignalException e) {
            throw ApiException.invalid(e.getMessage());
        }
        try {
            if (!ledger.owner(messageId).filter(caller::mayAccess).isPresent()) {
                throw ApiException.notFound("message_not_found", "no message '" + messageId + "'; feedback refers to the "
                        + "message_id of a /chat reply (the id of a /v1/chat/completions reply)");
            }
            return record(signal);
        } catch (MessageLedger.LedgerUnavailableException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "event_log_unavailable",
                    "feedback cannot be checked right now; retry shortly");
        }
    }

    /** Records a retry on a message the gateway itself is replacing (a {@code "regenerate": true} request). */
    public void recordRetry(String messageId) {
        record(new Signal(messageId, dev.llmc.abtest.signal.SignalType.RETRY, null, clock.instant()));
    }

    private Outcome record(Signal signal) {
        return switch (ledger.claim(signal)) {
            case MessageLedger.Claim.Accepted accepted -> {
                events.record(signal);
                yield new Outcome(signal, false);
            }
            case MessageLedger.Claim.Repeated repeated -> new Outcome(signal, true);
            case MessageLedger.Claim.Conflicting conflicting -> throw new ApiException(HttpStatus.CONFLICT, "signal_conflict",
                    "message '" + signal.messageId() + "' already has a " + signal.type().wireName()
                            + (conflicting.existing() == null ? "" : " of " + conflicting.existing())
                            + "; a different value cannot replace it");
        };
    }
}
