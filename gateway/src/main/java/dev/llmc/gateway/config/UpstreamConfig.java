package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Calls to expert nodes ({@code llmc.upstream.*}): connect, first-byte (streams) and whole-reply timeouts, and the
 * per-node circuit breaker: {@code circuit-failures} consecutive failures open it for {@code circuit-open}, after
 * which one probe request decides whether it closes again.
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.upstream")
public record UpstreamConfig(
        @Bindable(defaultValue = "2s") Duration connectTimeout,
        @Bindable(defaultValue = "30s") Duration firstByteTimeout,
        @Bindable(defaultValue = "120s") Duration totalTimeout,
        @Bindable(defaultValue = "5") int circuitFailures,
        @Bindable(defaultValue = "30s") Duration circuitOpen) {

    public UpstreamConfig {
        requirePositive("connect-timeout", connectTimeout);
        requirePositive("first-byte-timeout", firstByteTimeout);
        requirePositive("total-timeout", totalTimeout);
        requirePositive("circuit-open", circuitOpen);
        if (circuitFailures < 1) {
            throw new StartupRefusedException("llmc.upstream.circuit-failures must be at least 1, was " + circuitFailures);
        }
    }

    private static void requirePositive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new StartupRefusedException("llmc.upstream." + key + " must be positive, was " + value);
        }
    }
}
