package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Cold start ({@code llmc.routing.cold-start.*}): the share of automatically routed turns that go to the best-scoring
 * expert with fewer than {@code min-feedback} rated or retried messages, so new experts get enough traffic to learn
 * their θ; feedback counts are reloaded every {@code refresh}.
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.routing.cold-start")
public record ColdStartConfig(
        @Bindable(defaultValue = "0.1") double share,
        @Bindable(defaultValue = "100") int minFeedback,
        @Bindable(defaultValue = "30s") Duration refresh) {

    public ColdStartConfig {
        if (!(share >= 0 && share <= 0.5)) {
            throw new StartupRefusedException("llmc.routing.cold-start.share must be between 0 and 0.5, was " + share);
        }
        if (minFeedback < 0) {
            throw new StartupRefusedException("llmc.routing.cold-start.min-feedback must be 0 or more, was " + minFeedback);
        }
    }
}
