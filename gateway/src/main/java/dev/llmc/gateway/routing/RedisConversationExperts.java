package dev.llmc.gateway.routing;

import io.lettuce.core.SetArgs;
import dev.llmc.gateway.storage.RedisConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Conversation experts in Redis ({@code llmc:sticky:<conversation>} → expert id, expiring {@code ttl} after the last
 * turn), so a conversation keeps its expert whichever replica serves the next turn. When Redis does not answer in
 * time the turn is routed without stickiness (a WARN at most once a minute): better a switch than a stalled request.
 */
final class RedisConversationExperts implements ConversationExperts {
    private static final Logger LOG = LoggerFactory.getLogger(RedisConversationExperts.class);
    private static final long TIMEOUT_MS = 200;
    private static final long WARN_EVERY_MS = 60_000;
    private final RedisConnections redis;
    private final SetArgs expiry;
    private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE / 2);

    RedisConversationExperts(RedisConnections redis, Duration ttl) {
        this.redis = redis;
        this.expiry = SetArgs.Builder.px(ttl.toMillis());
    }

    @Override
    public Optional<String> get(String conversationId) {
        try {
            return Optional.ofNullable(redis.async().get(key(conversationId)).get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            warn(e);
            return Optional.empty();
        }
    }

    @Override
    public void put(String conversationId, String expertId) {
        try {
            redis.async().set(key(conversationId), expertId, expiry).exceptionally(error -> {
                warn(error);
                return null;
            });
        } catch (RuntimeException notConnected) {
            warn(notConnected);
        }
    }

    private void warn(Throwable error) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_MS && lastWarning.compareAndSet(last, now)) {
            LOG.warn("Redis unavailable for conversation stickiness ({}); routing turns without it until it is back", error.toString());
        }
    }

    private static String key(String conversationId) {
        return "llmc:sticky:" + conversationId;
    }
}
