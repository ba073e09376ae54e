package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/** PostgreSQL connection ({@code llmc.database.*}); without a URL only the embedded development database is allowed. */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.database")
public record DatabaseConfig(
        @Nullable String url,
        @Bindable(defaultValue = "postgres") String user,
        @Nullable String password,
        @Bindable(defaultValue = "10") int poolSize) {

    public DatabaseConfig {
        if (poolSize < 1) {
            throw new StartupRefusedException("llmc.database.pool-size must be at least 1, was " + poolSize);
        }
    }

    public boolean hasUrl() {
        return url != null && !url.isBlank();
    }
}
