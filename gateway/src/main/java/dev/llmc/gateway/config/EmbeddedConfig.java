package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Development mode ({@code llmc.embedded.*}, set by {@code ./llmc up}): start a real PostgreSQL and Redis
 * in-process for whatever URL is not configured, keeping their data under {@code data-dir}.
 */
@ConfigurationProperties("llmc.embedded")
public record EmbeddedConfig(
        @Bindable(defaultValue = "false") boolean enabled,
        @Bindable(defaultValue = ".llmc") String dataDir) {
}
