package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Default rate limits per API key ({@code llmc.rate-limits.*}): requests per minute, and tokens per minute charged
 * from the {@code usage} expert nodes report; 0 is unlimited. A key's own limits (set when it is issued) win.
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.rate-limits")
public record RateLimitConfig(
        @Bindable(defaultValue = "0") long requestsPerMinute,
        @Bindable(defaultValue = "0") long tokensPerMinute) {

    public RateLimitConfig {
        if (requestsPerMinute < 0) {
            throw new StartupRefusedException("llmc.rate-limits.requests-per-minute must be 0 (unlimited) or more, was " + requestsPerMinute);
        }
        if (tokensPerMinute < 0) {
            throw new StartupRefusedException("llmc.rate-limits.tokens-per-minute must be 0 (unlimited) or more, was " + tokensPerMinute);
        }
    }
}
