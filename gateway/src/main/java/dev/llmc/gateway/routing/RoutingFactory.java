package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.StickinessConfig;
import dev.llmc.gateway.storage.RedisConnections;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Where conversation stickiness is kept: Redis when configured (shared by replicas), else this process. */
@Factory
final class RoutingFactory {

    @Singleton
    ConversationExperts conversationExperts(RedisConnections redis, StickinessConfig config) {
        return redis.configured() ? new RedisConversationExperts(redis, config.ttl())
                : new InMemoryConversationExperts(config.ttl(), System::currentTimeMillis);
    }
}
