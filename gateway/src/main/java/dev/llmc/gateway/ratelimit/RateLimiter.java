package dev.llmc.gateway.ratelimit;

import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.config.RateLimitConfig;
import dev.llmc.gateway.storage.RedisConnections;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.OptionalLong;
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

    /**
     * Reserves the tokens a chat turn is expected to use: its prompt's estimated tokens plus its {@code max_tokens}, else
     * {@code llmc.rate-limits.token-reservation}, at most the key's tokens per minute (a reservation never needs more
     * than a full bucket). Completes with the reservation, which the turn settles when it ends, or fails with
     * {@link RateLimitedException} while the key's token bucket is empty. Unlimited keys reserve nothing.
     */
    public CompletionStage<TokenReservation> reserve(Caller caller, long promptTokens, OptionalLong maxCompletionTokens) {
        Limits limits = limitsOf(caller);
        if (limits.tokensPerMinute() == 0) {
            return CompletableFuture.completedFuture(TokenReservation.UNLIMITED);
        }
        long completion = Math.min(maxCompletionTokens.orElse(defaults.tokenReservation()), limits.tokensPerMinute());
        long expected = Math.min(promptTokens + completion, limits.tokensPerMinute());
        return buckets.reserve(caller.keyId(), limits, expected).thenApply(waitMillis -> {
            if (waitMillis > 0) {
                throw RateLimitedException.after(waitMillis);
            }
            return new TokenReservation(buckets, caller.keyId(), limits, expected);
        });
    }

    Limits limitsOf(Caller caller) {
        Caller.Limits own = caller.limits();
        return new Limits(own.requestsPerMinute() != null ? own.requestsPerMinute() : defaults.requestsPerMinute(),
                own.tokensPerMinute() != null ? own.tokensPerMinute() : defaults.tokensPerMinute());
    }
}
