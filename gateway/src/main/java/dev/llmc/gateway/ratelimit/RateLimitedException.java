package dev.llmc.gateway.ratelimit;

import dev.llmc.gateway.GatewayException;

import java.time.Duration;

/** The key is over its requests or tokens per minute; the same request succeeds after {@link #retryAfter()}. */
public final class RateLimitedException extends GatewayException {
    private final Duration retryAfter;

    public RateLimitedException(Duration retryAfter) {
        super("rate limit of this API key exceeded; retry after " + retryAfter.toSeconds() + " s", null, null);
        this.retryAfter = retryAfter;
    }

    /** Refused for {@code waitMillis}, rounded up to whole seconds (at least one) as {@code Retry-After} says it. */
    static RateLimitedException after(long waitMillis) {
        return new RateLimitedException(Duration.ofSeconds(Math.max(1, (waitMillis + 999) / 1000)));
    }

    /** How long until the key's bucket holds a token again, in whole seconds (at least one). */
    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
