package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.gateway.storage.RedisConnections;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
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
 * Answers what the feedback API must know before an event reaches PostgreSQL: does a message exist, what is a
 * conversation's last message, was a signal already given. Looks in this process's not-yet-stored events, then in
 * the Redis index (shared by replicas, written asynchronously when the event is recorded, expiring after
 * {@code llmc.events.index-ttl}), then in PostgreSQL.
 */
@Singleton
public final class MessageLedger {
    private static final Logger LOG = LoggerFactory.getLogger(MessageLedger.class);
    private static final long REDIS_TIMEOUT_MS = 300;
    private static final String NO_VALUE = "-";
    // How long the index writer lets exposures gather before writing them: one wake-up and one Redis write per few
    // milliseconds under load instead of one per request, still long before a user could give feedback elsewhere.
    private static final long INDEX_LINGER_MS = 5;
    // How long a lookup that found nothing waits before looking again: the linger plus a Redis round trip, with room
    // for a busy machine where the index thread waits for a core.
    private static final long INDEX_SETTLE_MS = 100;
    private final ConcurrentHashMap<String, Exposure> pendingMessages = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> pendingLast = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Signal> pendingSignals = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Exposure> toIndex = new LinkedBlockingQueue<>();
    private final StatefulRedisConnection<String, String> redis;
    private final EventStorage storage;
    private final SetArgs ttl;
    private final long ttlSeconds;
    // After a Redis failure, skip it for a while instead of paying its timeout on every feedback request.
    private volatile long redisDownUntil;

    MessageLedger(RedisConnections redis, EventStorage storage, EventsConfig config) {
        this.redis = redis.connection().orElse(null);
        this.storage = storage;
        this.ttl = SetArgs.Builder.ex(config.indexTtl());
        this.ttlSeconds = config.indexTtl().toSeconds();
        if (this.redis != null) {
            StatefulRedisConnection<String, String> indexConnection = redis.dedicated().orElseThrow();
            // One socket write per batch instead of one per command (each a wake-up of Lettuce's event loop).
            indexConnection.setAutoFlushCommands(false);
            Thread.ofPlatform().name("llmc-message-index").daemon(true).start(() -> indexInRedis(indexConnection));
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
        pendingLast.put(exposure.conversationId(), exposure.messageId());
        if (redis != null) {
            toIndex.offer(exposure);
        }
    }

    private void indexInRedis(StatefulRedisConnection<String, String> connection) {
        List<Exposure> batch = new ArrayList<>();
        var async = connection.async();
        while (true) {
            try {
                batch.add(toIndex.take());
                Thread.sleep(INDEX_LINGER_MS);
                toIndex.drainTo(batch, 999);
                for (Exposure exposure : batch) {
                    async.set("llmc:msg:" + exposure.messageId(), exposure.conversationId(), ttl);
                    async.set("llmc:last:" + exposure.conversationId(), exposure.messageId(), ttl);
                }
                connection.flushCommands();
                batch.clear();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Lettuce queues commands while disconnected; anything else is logged and the index is best effort
                // (this process and PostgreSQL still answer for the messages).
                LOG.warn("message index: Redis write failed: {}", e.toString());
                batch.clear();
            }
        }
    }

    /** Forgets events that are now in PostgreSQL, where the last lookup finds them. */
    void stored(List<Event> events) {
        for (Event event : events) {
            switch (event) {
                case Exposure exposure -> {
                    pendingMessages.remove(exposure.messageId());
                    pendingLast.remove(exposure.conversationId(), exposure.messageId());
                }
                case Signal signal -> pendingSignals.remove(signal.key(), signal);
                default -> {
                }
            }
        }
    }

    public boolean messageExists(String messageId) {
        if (lookUp(messageId)) {
            return true;
        }
        if (!redisUsable()) {
            return false;
        }
        // Another replica may have served it milliseconds ago (a client rating right away): its index write lingers
        // INDEX_LINGER_MS before reaching Redis. Only unknown ids pay for this second look.
        try {
            Thread.sleep(INDEX_SETTLE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return lookUp(messageId);
    }

    private boolean lookUp(String messageId) {
        if (pendingMessages.containsKey(messageId)) {
            return true;
        }
        boolean redisFailed = false;
        if (redisUsable()) {
            try {
                if (redis.async().exists("llmc:msg:" + messageId).get(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS) > 0) {
                    return true;
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
            return storage.lookup().message(messageId).isPresent();
        } catch (SQLException e) {
            storage.markDown();
            if (redisFailed || !redisUsable()) {
                throw new LedgerUnavailableException("cannot look up message '" + messageId + "' right now: " + e.getMessage());
            }
            // Redis answered "unknown" and holds every message not yet stored in PostgreSQL: it does not exist.
            return false;
        }
    }

    /** The latest message served in a conversation, if any. */
    public Optional<String> lastMessage(String conversationId) {
        String local = pendingLast.get(conversationId);
        if (local != null) {
            return Optional.of(local);
        }
        if (redisUsable()) {
            try {
                String id = redis.async().get("llmc:last:" + conversationId).get(REDIS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (id != null) {
                    return Optional.of(id);
                }
            } catch (Exception e) {
                redisFailed(e);
            }
        }
        try {
            if (storage.recentlyDown()) {
                throw new SQLException("PostgreSQL failed less than a second ago");
            }
            return storage.lookup().lastMessage(conversationId).map(found -> found.messageId());
        } catch (SQLException e) {
            storage.markDown();
            throw new LedgerUnavailableException("cannot look up conversation '" + conversationId + "' right now: " + e.getMessage());
        }
    }

    /**
     * Decides whether {@code signal} is new, a repeat, or conflicts with an earlier one for the same message and
     * type. Redis's SET NX makes the decision atomic across replicas; without Redis this process and PostgreSQL decide.
     */
    public Claim claim(Signal signal) {
        String value = signal.value() == null ? NO_VALUE : Float.toString(signal.value());
        if (redisUsable()) {
            try {
                String key = "llmc:sig:" + signal.key();
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

    private static Claim compare(Signal signal, Signal existing) {
        return Objects.equals(signal.value(), existing.value()) ? new Claim.Repeated() : new Claim.Conflicting(existing.value());
    }

}
