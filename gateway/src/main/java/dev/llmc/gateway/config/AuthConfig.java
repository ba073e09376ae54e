package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;

/** Authentication ({@code llmc.admin-key}, env {@code LLMC_ADMIN_KEY}): the bootstrap admin key, which issues every other key. */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc")
public record AuthConfig(@Nullable String adminKey) {

    public AuthConfig {
        if (adminKey == null || adminKey.isBlank()) {
            throw new StartupRefusedException(
                    "LLMC_ADMIN_KEY (llmc.admin-key) is not set; set it to a long random secret, or use ./llmc up, which generates one");
        }
        if (adminKey.length() < 16) {
            throw new StartupRefusedException("LLMC_ADMIN_KEY must be at least 16 characters long");
        }
    }
}
