package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Shutdown ({@code llmc.shutdown.*}): how long open requests and streams may run after the gateway stops accepting
 * new ones. application.yml hands the value to Micronaut's graceful shutdown; this record validates it at start.
 */
@Context
@ConfigurationProperties("llmc.shutdown")
public record ShutdownConfig(@Bindable(defaultValue = "30s") Duration gracePeriod) {

    public ShutdownConfig {
        if (gracePeriod.isNegative()) {
            throw new StartupRefusedException("llmc.shutdown.grace-period must not be negative, was " + gracePeriod);
        }
    }
}
