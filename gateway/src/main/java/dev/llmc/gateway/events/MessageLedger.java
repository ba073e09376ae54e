package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.event.JdbcEventLookup;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.gateway.auth.OwnedId;
import dev.llmc.gateway.storage.RedisConnections;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Answers what the feedback API must know before an event reaches PostgreSQL: who owns a message (feedback on another
 * owner's message is refused as if it did not exist), what is an owner's conversation's last message, was a signal
 * already given. Looks in this process's not-yet-stored events, then in the Redis index (shared by replicas, written
 * asynchronously when the event is recorded, expiring after {@code llmc.events.index-ttl}), then in PostgreSQL.
 * Conversations are keyed by {@link OwnedId#key()}: client-chosen conversation ids are unique only per owner.
 */
@Singleton
public final class MessageLedger {
    private static final Logger LOG = LoggerFactory.getLogger(MessageLedger.class);
    private static final long REDIS_TIMEOUT_MS = 300;
    private static final String NO_VALUE = "-";
    // message id -> owner; owner:conversation id -> "<message id> <turn>" (the conversation's latest message).
    private static final String MESSAGE_KEY = "llmc:message-owner:";
    private static final String LAST_KEY = "llmc:conversation-last:";
    private static final String SIGNAL_KEY = "llmc:sig:";
    // How long the index writer lets exposures gather before writing them: one wake-up and one Redis call per
    // INDEX_LINGER_MS under load instead of one per request, still long before a user could give feedback elsewhere
    // (and well within INDEX_SETTLE_MS, the second look of a lookup that found nothing).
    private static final long INDEX_LINGER_MS = 20;
    private static final int INDEX_BATCH = 1000;
    // A batch's keys (two per message: message -> conversation, conversation -> latest message and its turn) are set
    // by one script call: a SET per key cost a command object, a future, a parsed command and a reply on both ends,
    // and Lettuce's event loop with this thread were about three quarters of the JVM's logging CPU in a per-thread
    // profile of ./llmc bench events (README).
    private static final String INDEX_SCRIPT =
            "for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[1]) end return #KEYS";
    // What a batch handed to the shared Redis buffer leaves in the index, written before this process forgets it:
    // message owners (idempotent) and claimed signals (SET NX: an earlier claim wins). Conversations' latest messages
    // are left to the index writer: rewriting one here could replace a later turn with an earlier one.
    private static final String HANDOFF_SCRIPT = """
            for i = 1, #KEYS do
              if ARGV[2 * i + 1] == 'nx' then redis.call('SET', KEYS[i], ARGV[2 * i], 'NX', 'EX', ARGV[1])
              else redis.call('SET', KEYS[i], ARGV[2 * i], 'EX', ARGV[1]) end
            end
            return #KEYS""";
    private static final long HANDOFF_TIMEOUT_MS = 2000;
    // How long a lookup that found nothing waits before looking again: the linger plus a Redis round trip, with room
    // for a busy machine where the index thread waits for a core.
    private static final long INDEX_SETTLE_MS = 100;
    private final ConcurrentHashMap<String, Exposure> pendingMessages = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Exposure> pendingLast = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Signal> pendingSignals = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Exposure> toIndex = new LinkedBlockingQueue<>();
    private final StatefulRedisConnection<String, String> redis;
    private final EventStorage storage;
    private final long ttlSeconds;
    // After a Redis failure, skip it for a while instead of paying its timeout on every feedback request.
    private volatile long redisDownUntil;

    MessageLedger(RedisConnections redis, EventStorage storage, EventsConfig config, MeterRegistry meters) {
        this.redis = redis.connection().orElse(null);
        this.storage = storage;
        this.ttlSeconds = config.indexTtl().toSeconds();
        meters.gauge("llmc.events.ledger.pending", this, MessageLedger::pending);
        if (this.redis != null) {
            Thread.ofPlatform().name("llmc-message-index").daemon(true).start(this::indexInRedis);
        }
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

    /**
     * Called on the request path: in-memory puts and a queue offer only. The Redis index is written by a
     * background thread within a few milliseconds, so other replicas see the message long before a user can react.
     */
    void served(Exposure exposure) {
        pendingMessages.put(exposure.messageId(), exposure);
        pendingLast.put(conversationKey(exposure), exposure);
        if (redis != null) {
            toIndex.offer(exposure);
        }
    }

    private void indexInRedis() {
        List<Exposure> batch = new ArrayList<>();
        var async = redis.async();
        while (true) {
            try {
                batch.add(toIndex.take());
                Thread.sleep(INDEX_LINGER_MS);
                toIndex.drainTo(batch, INDEX_BATCH - 1);
                String[] keys = new String[2 * batch.size()];
                String[] values = new String[1 + keys.length];
                values[0] = Long.toString(ttlSeconds);
                int k = 0;
                for (Exposure exposure : batch) {
                    keys[k] = MESSAGE_KEY + exposure.messageId();
                    values[++k] = exposure.owner();
                    keys[k] = LAST_KEY + conversationKey(exposure);
                    values[++k] = exposure.messageId() + " " + exposure.turn();
                }
                async.eval(INDEX_SCRIPT, ScriptOutputType.INTEGER, keys, values).exceptionally(e -> {
                    // Best effort: this process and PostgreSQL still answer for these messages.
                    LOG.warn("message index: Redis write failed: {}", e.toString());
                    return null;
                });
                batch.clear();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("message index: Redis write failed: {}", e.toString());
                batch.clear();
            }
        }
    }

    /**
     * A batch went to the shared Redis buffer, whose replay may happen on another replica that could never tell this
     * one: makes sure the Redis index answers for its messages and signals, then forgets them here. Without this,
     * this process's memory would grow with every batch another replica replays. If the index cannot be written the
     * events stay here (and are forgotten when this replica stores them).
     */
    void handedOff(List<? extends Event> events) {
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        values.add(Long.toString(ttlSeconds));
        for (Event event : events) {
            switch (event) {
                case Exposure exposure -> {
                    keys.add(MESSAGE_KEY + exposure.messageId());
                    values.add(exposure.owner());
                    values.add("set");
                }
                case Signal signal -> {
                    keys.add(SIGNAL_KEY + signal.key());
                    values.add(signalValue(signal));
                    values.add("nx");
                }
                default -> {
                }
            }
        }
        try {
            if (!keys.isEmpty()) {
                redis.async().eval(HANDOFF_SCRIPT, ScriptOutputType.INTEGER, keys.toArray(String[]::new), values.toArray(String[]::new))
                        .get(HANDOFF_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            stored(events);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("message index: could not index {} buffered events in Redis ({}); keeping them in memory", events.size(), e.toString());
        }
    }

    /** Messages and signals this process answers for that are not yet in PostgreSQL or the shared index. */
    int pending() {
        return pendingMessages.size() + pendingSignals.size();
    }

    /** Forgets events that are now in PostgreSQL, where the last lookup finds them. */
    void stored(List<? extends Event> events) {
        for (Event event : events) {
            switch (event) {
                case Exposure exposure -> {
                    pendingMessages.remove(exposure.messageId());
                    pendingLast.remove(conversationKey(exposure), exposure);
                }
                case Signal signal -> pendingSignals.remove(signal.key(), signal);
                default -> {
                }
            }
        }
    }

    /** The owner of a served message; empty when no such message exists. */
    public Optional<String> owner(String messageId) {
        Optional<String> owner = lookUp(messageId);
        if (owner.isPresent() || !redisUsable()) {
            return owner;
        }
        // Another replica may have served it milliseconds ago (a client rating right away): its index write lingers
        // INDEX_LINGER_MS before reaching Redis. Only unknown ids pay for this second look.
        return awaitIndexSettled() ? lookUp(messageId) : Optional.empty();
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

    private Optional<String> lookUp(String messageId) {
        Exposure pending = pendingMessages.get(messageId);
        if (pending != null) {
            return Optional.of(pending.owner());
        }
        boolean redisFailed = false;
        if (redisUsable()) {
            try {
                String owner = redis.async().get(MESSAGE_KEY + messageId).get(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (owner != null) {
                    return Optional.of(owner);
                }
            } catch (Exception e) {
                redisFailed(e);
                redisFailed = true;
            }
        }
        try {
            if (storage.recentlyDown()) {
                throw new SQLException("PostgreSQL failed less than a second ago");
            }
            return storage.lookup().message(messageId).map(JdbcEventLookup.StoredMessage::owner);
        } catch (SQLException e) {
            storage.markDown();
            if (redisFailed || !redisUsable()) {
                throw new LedgerUnavailableException("cannot look up message '" + messageId + "' right now: " + e.getMessage());
            }
            // Redis answered "unknown" and holds every message not yet stored in PostgreSQL: it does not exist.
            return Optional.empty();
        }
    }

    /**
     * The latest message served in an owner's conversation, if any, for a regenerate of turn {@code turn} (its number
     * of user messages). Another replica may have served that turn milliseconds ago: its index write lingers before reaching
     * Redis, so an unknown conversation, or a latest message of an earlier turn, gets a second look after the index
     * settled (the same protection as {@link #messageExists}). Only such lookups pay for the wait.
     */
    public Optional<String> lastMessage(OwnedId conversation, int turn) {
        Optional<LastMessage> found = latest(conversation, turn);
        if (found.filter(last -> last.turn() >= turn).isEmpty() && redisUsable() && awaitIndexSettled()) {
            found = latest(conversation, turn);
        }
        return found.map(LastMessage::messageId);
    }

    /** A conversation's latest message and its turn (an index entry without a turn counts as the latest). */
    private record LastMessage(String messageId, int turn) {
        static LastMessage parse(String indexed) {
            int space = indexed.indexOf(' ');
            return space < 0 ? new LastMessage(indexed, Integer.MAX_VALUE)
                    : new LastMessage(indexed.substring(0, space), Integer.parseInt(indexed.substring(space + 1)));
        }
    }

    /** This process's latest message if it is of turn {@code turn} or later, else the later of it and the shared one. */
    private Optional<LastMessage> latest(OwnedId conversation, int turn) {
        Exposure pending = pendingLast.get(conversation.key());
        LastMessage local = pending == null ? null : new LastMessage(pending.messageId(), pending.turn());
        if (local != null && local.turn() >= turn) {
            return Optional.of(local);
        }
        Optional<LastMessage> shared;
        try {
            shared = shared(conversation);
        } catch (LedgerUnavailableException e) {
            if (local == null) {
                throw e;
            }
            return Optional.of(local);
        }
        return local == null ? shared : Optional.of(shared.filter(last -> last.turn() > local.turn()).orElse(local));
    }

    /** The latest message all replicas know of: the Redis index, else PostgreSQL. */
    private Optional<LastMessage> shared(OwnedId conversation) {
        if (redisUsable()) {
            try {
                String indexed = redis.async().get(LAST_KEY + conversation.key()).get(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (indexed != null) {
                    return Optional.of(LastMessage.parse(indexed));
                }
            } catch (Exception e) {
                redisFailed(e);
            }
        }
        try {
            if (storage.recentlyDown()) {
                throw new SQLException("PostgreSQL failed less than a second ago");
            }
            return storage.lookup().lastMessage(conversation.owner(), conversation.id())
                    .map(found -> new LastMessage(found.messageId(), found.turn()));
        } catch (SQLException e) {
            storage.markDown();
            throw new LedgerUnavailableException("cannot look up conversation '" + conversation.id() + "' right now: " + e.getMessage());
        }
    }

    /**
     * Decides whether {@code signal} is new, a repeat, or conflicts with an earlier one for the same message and
     * type. Redis's SET NX makes the decision atomic across replicas; without Redis this process and PostgreSQL decide.
     */
    public Claim claim(Signal signal) {
        String value = signalValue(signal);
        if (redisUsable()) {
            try {
                String key = SIGNAL_KEY + signal.key();
                String set = redis.async().set(key, value, SetArgs.Builder.nx().ex(ttlSeconds))
                        .get(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if ("OK".equals(set)) {
                    // A value given while Redis was away, or stored before this key existed (older than the TTL), still wins.
                    Signal local = pendingSignals.get(signal.key());
                    if (local != null) {
                        return compare(signal, local);
                    }
                    Claim stored = againstStored(signal);
                    if (stored instanceof Claim.Accepted) {
                        pendingSignals.put(signal.key(), signal);
                    }
                    return stored;
                }
                String existing = redis.async().get(key).get(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (existing != null) {
                    return existing.equals(value) ? new Claim.Repeated()
                            : new Claim.Conflicting(NO_VALUE.equals(existing) ? null : Float.parseFloat(existing));
                }
            } catch (Exception e) {
                redisFailed(e);
            }
        }
        Signal local = pendingSignals.get(signal.key());
        if (local != null) {
            return compare(signal, local);
        }
        Claim stored = againstStored(signal);
        if (!(stored instanceof Claim.Accepted)) {
            return stored;
        }
        Signal raced = pendingSignals.putIfAbsent(signal.key(), signal);
        return raced == null ? stored : compare(signal, raced);
    }

    private boolean redisUsable() {
        return redis != null && System.currentTimeMillis() >= redisDownUntil;
    }

    private void redisFailed(Exception e) {
        if (System.currentTimeMillis() >= redisDownUntil) {
            LOG.warn("message index: Redis unavailable ({}); deciding from this process and PostgreSQL for a while", e.toString());
        }
        redisDownUntil = System.currentTimeMillis() + 2000;
    }

    private Claim againstStored(Signal signal) {
        if (storage.recentlyDown()) {
            return new Claim.Accepted();
        }
        try {
            return storage.lookup().signal(signal.messageId(), signal.type())
                    .map(existing -> compare(signal, existing))
                    .orElse(new Claim.Accepted());
        } catch (SQLException e) {
            storage.markDown();
            // PostgreSQL is down: accept; the idempotent insert keeps the first value if one was stored.
            return new Claim.Accepted();
        }
    }

    private static String signalValue(Signal signal) {
        return signal.value() == null ? NO_VALUE : Float.toString(signal.value());
    }

    private static String conversationKey(Exposure exposure) {
        return new OwnedId(exposure.owner(), exposure.conversationId()).key();
    }

    private static Claim compare(Signal signal, Signal existing) {
        return Objects.equals(signal.value(), existing.value()) ? new Claim.Repeated() : new Claim.Conflicting(existing.value());
    }

}
