package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.event.JdbcEventLookup;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.gateway.auth.OwnedId;
import dev.llmc.gateway.events.MessageIndex.EarlierClaim;
import dev.llmc.gateway.events.MessageIndex.LastMessage;
import dev.llmc.gateway.storage.RedisConnections;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers what the feedback API must know before an event reaches PostgreSQL: who owns a message (feedback on another
 * owner's message is refused as if it did not exist), what is an owner's conversation's last message, was a signal
 * already given. Looks in this process's {@link InProcessMessageIndex}, then the {@link RedisMessageIndex} shared by
 * replicas (when Redis is configured), then PostgreSQL.
 */
@Singleton
public final class MessageLedger {
    private static final Logger LOG = LoggerFactory.getLogger(MessageLedger.class);
    // How long a lookup that found nothing waits before looking again: another replica's index write lingers before
    // reaching Redis, plus a round trip, with room for a busy machine where the index thread waits for a core.
    private static final long INDEX_SETTLE_MS = 5 * RedisMessageIndex.LINGER_MS;
    private final InProcessMessageIndex local = new InProcessMessageIndex();
    private final RedisMessageIndex shared;
    private final EventStorage storage;

    MessageLedger(RedisConnections redis, EventStorage storage, EventsConfig config, MeterRegistry meters) {
        this.shared = redis.configured() ? new RedisMessageIndex(redis, config.indexTtl()) : null;
        this.storage = storage;
        meters.gauge("llmc.events.ledger.pending", local, InProcessMessageIndex::size);
    }

    /** What became of a signal someone tried to record. */
    public sealed interface Claim {
        /** First time: record it. */
        record Accepted() implements Claim {
        }

        /** The same signal was already given: nothing to record. */
        record Repeated() implements Claim {
        }

        /** A different value was already given for this message and type. */
        record Conflicting(Float existing) implements Claim {
        }
    }

    /** The ledger cannot tell: PostgreSQL and Redis are both unreachable and this process has no record. */
    public static final class LedgerUnavailableException extends RuntimeException {
        LedgerUnavailableException(String message) {
            super(message);
        }
    }

    /** Request path: in-memory puts and a queue offer only; the shared index is written in the background. */
    void served(Exposure exposure) {
        local.add(exposure);
        if (shared != null) {
            shared.add(exposure);
        }
    }

    /**
     * A batch went to the shared Redis buffer, whose replay may happen on another replica that could never tell this
     * one: once the shared index answers for its messages and signals, this process forgets them. Without this, its
     * memory would grow with every batch another replica replays. If the index cannot be written the events stay
     * here (and are forgotten when this replica stores them).
     */
    void handedOff(List<? extends Event> events) {
        try {
            shared.indexHandedOff(events);
            local.forget(events);
        } catch (MessageIndex.UnavailableException e) {
            LOG.warn("message index: could not index {} buffered events ({}); keeping them in memory", events.size(), e.getMessage());
        }
    }

    /** Forgets events that are now in PostgreSQL, where the last lookup finds them. */
    void stored(List<? extends Event> events) {
        local.forget(events);
    }

    /** Messages and signals this process answers for that are not yet in PostgreSQL or the shared index. */
    int pending() {
        return local.size();
    }

    /** The owner of a served message; empty when no such message exists. */
    public Optional<String> owner(String messageId) {
        Optional<String> owner = lookUp(messageId);
        if (owner.isPresent() || !sharedUsable()) {
            return owner;
        }
        // Another replica may have served it milliseconds ago (a client rating right away): its index write lingers
        // before reaching Redis. Only unknown ids pay for this second look.
        return awaitIndexSettled() ? lookUp(messageId) : Optional.empty();
    }

    private Optional<String> lookUp(String messageId) {
        Optional<String> owner = local.owner(messageId);
        if (owner.isPresent()) {
            return owner;
        }
        boolean sharedAnswered = false;
        if (sharedUsable()) {
            try {
                owner = shared.owner(messageId);
                if (owner.isPresent()) {
                    return owner;
                }
                sharedAnswered = true;
            } catch (MessageIndex.UnavailableException e) {
                // PostgreSQL decides alone.
            }
        }
        try {
            return stored().message(messageId).map(JdbcEventLookup.StoredMessage::owner);
        } catch (SQLException e) {
            postgresFailed(e);
            if (!sharedAnswered) {
                throw new LedgerUnavailableException("cannot look up message '" + messageId + "' right now: " + e.getMessage());
            }
            // Redis answered "unknown" and holds every message not yet stored in PostgreSQL: it does not exist.
            return Optional.empty();
        }
    }

    /**
     * The latest message served in an owner's conversation, if any, for a regenerate of turn {@code turn} (its number
     * of user messages). Another replica may have served that turn milliseconds ago, so an unknown conversation, or a
     * latest message of an earlier turn, gets a second look after the index settled (as in {@link #owner}).
     */
    public Optional<String> lastMessage(OwnedId conversation, int turn) {
        Optional<LastMessage> found = latest(conversation, turn);
        if (found.filter(last -> last.turn() >= turn).isEmpty() && sharedUsable() && awaitIndexSettled()) {
            found = latest(conversation, turn);
        }
        return found.map(LastMessage::messageId);
    }

    /** This process's latest message if it is of turn {@code turn} or later, else the later of it and the shared one. */
    private Optional<LastMessage> latest(OwnedId conversation, int turn) {
        LastMessage own = local.latest(conversation.key()).orElse(null);
        if (own != null && own.turn() >= turn) {
            return Optional.of(own);
        }
        Optional<LastMessage> known;
        try {
            known = sharedLatest(conversation);
        } catch (LedgerUnavailableException e) {
            if (own == null) {
                throw e;
            }
            return Optional.of(own);
        }
        return own == null ? known : Optional.of(known.filter(last -> last.turn() > own.turn()).orElse(own));
    }

    /** The latest message all replicas know of: the shared index, else PostgreSQL. */
    private Optional<LastMessage> sharedLatest(OwnedId conversation) {
        if (sharedUsable()) {
            try {
                Optional<LastMessage> indexed = shared.latest(conversation.key());
                if (indexed.isPresent()) {
                    return indexed;
                }
            } catch (MessageIndex.UnavailableException e) {
                // PostgreSQL decides alone.
            }
        }
        try {
            return stored().lastMessage(conversation.owner(), conversation.id())
                    .map(found -> new LastMessage(found.messageId(), found.turn()));
        } catch (SQLException e) {
            postgresFailed(e);
            throw new LedgerUnavailableException("cannot look up conversation '" + conversation.id() + "' right now: " + e.getMessage());
        }
    }

    /**
     * Decides whether {@code signal} is new, a repeat, or conflicts with an earlier one for the same message and
     * type. The shared index's claim makes the decision atomic across replicas; without it this process and
     * PostgreSQL decide.
     */
    public Claim claim(Signal signal) {
        if (sharedUsable()) {
            try {
                Optional<EarlierClaim> earlier = shared.claimIfAbsent(signal);
                if (earlier.isPresent()) {
                    return compare(signal, earlier.get());
                }
                // First in the shared index: a value given while Redis was away, or stored before its key existed
                // (older than the TTL), still wins.
            } catch (MessageIndex.UnavailableException e) {
                // This process and PostgreSQL decide.
            }
        }
        Optional<EarlierClaim> earlier = local.claimIfAbsent(signal);
        if (earlier.isPresent()) {
            return compare(signal, earlier.get());
        }
        Claim stored = againstStored(signal);
        if (!(stored instanceof Claim.Accepted)) {
            local.withdraw(signal);
        }
        return stored;
    }

    private Claim againstStored(Signal signal) {
        try {
            return stored().signal(signal.messageId(), signal.type())
                    .map(existing -> compare(signal, new EarlierClaim(existing.value())))
                    .orElse(new Claim.Accepted());
        } catch (SQLException e) {
            postgresFailed(e);
            // PostgreSQL is down: accept; the idempotent insert keeps the first value if one was stored.
            return new Claim.Accepted();
        }
    }

    /** PostgreSQL's point reads, unless it failed a moment ago. */
    private JdbcEventLookup stored() throws SQLException {
        if (storage.down().skip()) {
            throw new Skipped();
        }
        return storage.lookup();
    }

    /** PostgreSQL was not asked: it failed a moment ago. */
    private static final class Skipped extends SQLException {
        Skipped() {
            super("PostgreSQL failed less than a second ago");
        }
    }

    /** A real failure starts the pause; a skipped call must not extend it, or a busy ledger would never try again. */
    private void postgresFailed(SQLException e) {
        if (!(e instanceof Skipped)) {
            storage.down().failed();
        }
    }

    private boolean sharedUsable() {
        return shared != null && shared.usable();
    }

    /** Waits for other replicas' index writes to reach Redis; false if interrupted (the interrupt is kept). */
    private static boolean awaitIndexSettled() {
        try {
            Thread.sleep(INDEX_SETTLE_MS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Claim compare(Signal signal, EarlierClaim earlier) {
        return Objects.equals(signal.value(), earlier.value()) ? new Claim.Repeated() : new Claim.Conflicting(earlier.value());
    }
}
