package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/** Redis connection ({@code llmc.redis.url}, e.g. {@code redis://host:6379}); state shared by gateway replicas lives there. */
@ConfigurationProperties("llmc.redis")
public record RedisConfig(@Nullable String url) {

    public boolean hasUrl() {
        return url != null && !url.isBlank();
    }
}
