package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Default rate limits per API key ({@code llmc.rate-limits.*}): requests per minute, and tokens per minute charged
 * from the {@code usage} expert nodes report (else estimated); 0 is unlimited. A key's own limits (set when it is
 * issued) win. {@code token-reservation}: the completion tokens reserved on admission for a turn that does not say
 * its {@code max_tokens}, until its reply's usage settles the reservation.
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.rate-limits")
public record RateLimitConfig(
        @Bindable(defaultValue = "0") long requestsPerMinute,
        @Bindable(defaultValue = "0") long tokensPerMinute,
        @Bindable(defaultValue = "256") long tokenReservation) {

    public RateLimitConfig {
        if (requestsPerMinute < 0) {
            throw new StartupRefusedException("llmc.rate-limits.requests-per-minute must be 0 (unlimited) or more, was " + requestsPerMinute);
        }
        if (tokensPerMinute < 0) {
            throw new StartupRefusedException("llmc.rate-limits.tokens-per-minute must be 0 (unlimited) or more, was " + tokensPerMinute);
        }
        if (tokenReservation < 0) {
            throw new StartupRefusedException("llmc.rate-limits.token-reservation must be 0 or more, was " + tokenReservation);
        }
    }
}
