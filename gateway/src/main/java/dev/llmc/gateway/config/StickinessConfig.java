package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Conversation stickiness ({@code llmc.routing.stickiness.*}): a conversation keeps the expert that answered its last
 * turn while that expert scores within {@code margin} of the best, and the record is forgotten {@code ttl} after the
 * conversation's last turn.
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.routing.stickiness")
public record StickinessConfig(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "0.05") double margin,
        @Bindable(defaultValue = "1h") Duration ttl) {

    public StickinessConfig {
        if (!(margin >= 0)) {
            throw new StartupRefusedException("llmc.routing.stickiness.margin must be 0 or more, was " + margin);
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new StartupRefusedException("llmc.routing.stickiness.ttl must be positive, was " + ttl);
        }
    }
}
