package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Calls to expert nodes ({@code llmc.upstream.*}): connect, first-byte (streams) and whole-reply timeouts, and the
 * per-node circuit breaker: {@code circuit-failures} consecutive failures open it for {@code circuit-open}, after
 * which one probe request decides whether it closes again. {@code stream-buffer}: how many bytes of a streamed reply
 * the gateway reads ahead of a caller who reads slowly before it stops reading from the node.
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.upstream")
public record UpstreamConfig(
        @Bindable(defaultValue = "2s") Duration connectTimeout,
        @Bindable(defaultValue = "30s") Duration firstByteTimeout,
        @Bindable(defaultValue = "120s") Duration totalTimeout,
        @Bindable(defaultValue = "5") int circuitFailures,
        @Bindable(defaultValue = "30s") Duration circuitOpen,
        @Bindable(defaultValue = "1048576") long streamBuffer) {
    /** Below this a stream would read from its node a few bytes at a time. */
    static final long MIN_STREAM_BUFFER = 4096;

    public UpstreamConfig {
        requirePositive("connect-timeout", connectTimeout);
        requirePositive("first-byte-timeout", firstByteTimeout);
        requirePositive("total-timeout", totalTimeout);
        requirePositive("circuit-open", circuitOpen);
        if (circuitFailures < 1) {
            throw new StartupRefusedException("llmc.upstream.circuit-failures must be at least 1, was " + circuitFailures);
        }
        if (streamBuffer < MIN_STREAM_BUFFER) {
            throw new StartupRefusedException("llmc.upstream.stream-buffer must be at least " + MIN_STREAM_BUFFER
                    + " bytes, was " + streamBuffer);
        }
    }

    private static void requirePositive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new StartupRefusedException("llmc.upstream." + key + " must be positive, was " + value);
        }
    }
}
