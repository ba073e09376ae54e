package dev.llmc.gateway.ratelimit;

import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.config.RateLimitConfig;
import dev.llmc.gateway.storage.RedisConnections;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Rate limits per API key: the key's own limits, else the configured defaults, enforced by token buckets in Redis
 * (shared by every replica) or, without Redis, in this process. Unlimited keys never touch a bucket.
 */
@Singleton
public final class RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    private final RateLimitConfig defaults;
    private final TokenBuckets buckets;

    RateLimiter(RateLimitConfig defaults, RedisConnections redis) {
        this.defaults = defaults;
        LocalTokenBuckets local = new LocalTokenBuckets(System::currentTimeMillis);
        if (redis.configured()) {
            this.buckets = new RedisTokenBuckets(redis, local);
        } else {
            if (defaults.requestsPerMinute() > 0 || defaults.tokensPerMinute() > 0) {
                LOG.warn("no Redis: rate limits are counted per gateway process (correct only for a single replica)");
            }
            this.buckets = local;
        }
    }

    /** Completes with 0 when the caller may go ahead, else the milliseconds until it may. */
    public CompletionStage<Long> acquire(Caller caller) {
        Limits limits = limitsOf(caller);
        return limits.unlimited() ? CompletableFuture.completedFuture(0L) : buckets.acquire(caller.keyId(), limits);
    }

    /** Charges a served reply's tokens to the caller's tokens-per-minute bucket. */
    public void charge(Caller caller, long tokens) {
        Limits limits = limitsOf(caller);
        if (limits.tokensPerMinute() > 0) {
            buckets.charge(caller.keyId(), limits, tokens);
        }
    }

    Limits limitsOf(Caller caller) {
        Caller.Limits own = caller.limits();
        return new Limits(own.requestsPerMinute() != null ? own.requestsPerMinute() : defaults.requestsPerMinute(),
                own.tokensPerMinute() != null ? own.tokensPerMinute() : defaults.tokensPerMinute());
    }
}
