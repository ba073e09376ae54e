package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Expert nodes ({@code llmc.nodes.*}): which address ranges node URLs may point at (link-local and cloud metadata
 * addresses never), and how often and how patiently nodes are health-checked.
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.nodes")
public record NodesConfig(
        @Bindable(defaultValue = "false") boolean allowLoopback,
        @Bindable(defaultValue = "false") boolean allowPrivate,
        @Bindable(defaultValue = "5s") Duration healthInterval,
        @Bindable(defaultValue = "2s") Duration healthTimeout) {

    public NodesConfig {
        if (healthInterval.isNegative() || healthInterval.isZero()) {
            throw new StartupRefusedException("llmc.nodes.health-interval must be positive, was " + healthInterval);
        }
        if (healthTimeout.isNegative() || healthTimeout.isZero()) {
            throw new StartupRefusedException("llmc.nodes.health-timeout must be positive, was " + healthTimeout);
        }
    }
}
