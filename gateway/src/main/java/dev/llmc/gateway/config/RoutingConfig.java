package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/** Routing ({@code llmc.routing.*}): how many ranked experts to keep as fallbacks, and how often the registry snapshot is reloaded. */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.routing")
public record RoutingConfig(
        @Bindable(defaultValue = "3") int topK,
        @Bindable(defaultValue = "2s") Duration registryRefresh) {

    public RoutingConfig {
        if (topK < 1) {
            throw new StartupRefusedException("llmc.routing.top-k must be at least 1, was " + topK);
        }
    }
}
