package dev.llmc.gateway.feedback;

import dev.llmc.gateway.events.EventLogUnavailableException;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.Signals;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.events.MessageLedger;
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
            throw new InvalidFeedbackException("message_id", "'message_id' is required");
        }
        if (messageId.length() > 128) {
            throw new InvalidFeedbackException("message_id", "'message_id' must be at most 128 characters");
        }
        // An unknown type or a value out of range is the caller's mistake: InvalidSignalException, mapped to a 400.
        Signal signal = Signals.parse(messageId, type, value, clock.instant());
        try {
            if (!ledger.owner(messageId).filter(caller::mayAccess).isPresent()) {
                throw new MessageNotFoundException(messageId);
            }
            return record(signal);
        } catch (MessageLedger.LedgerUnavailableException e) {
            throw new EventLogUnavailableException("feedback cannot be checked right now; retry shortly", e);
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
            case MessageLedger.Claim.Conflicting conflicting -> throw new SignalConflictException(
                    "message '" + signal.messageId() + "' already has a " + signal.type().wireName()
                            + (conflicting.existing() == null ? "" : " of " + conflicting.existing())
                            + "; a different value cannot replace it");
        };
    }
}
