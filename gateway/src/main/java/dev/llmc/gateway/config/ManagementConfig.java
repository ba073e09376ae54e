package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;

/**
 * Management port ({@code llmc.management.port}): health and metrics served on their own port, and only there, so that
 * probes and Prometheus reach them while the Service and Ingress that carry the API do not. Unset, they share
 * {@code llmc.port}. application.yml hands the value to Micronaut ({@code endpoints.all.port}); this record refuses
 * an impossible port at start with a line that names the key.
 */
@Context
@ConfigurationProperties("llmc.management")
public record ManagementConfig(@Nullable Integer port) {

    public ManagementConfig {
        if (port != null && (port < 1 || port > 65535)) {
            throw new StartupRefusedException("llmc.management.port must be a port number (1-65535) or unset, was " + port);
        }
    }
}
