package dev.llmc.gateway.storage;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.core.annotation.Nullable;

import java.util.Optional;

/** The Redis connection shared by features that keep state across gateway replicas; empty when no Redis is configured. */
public final class RedisConnections implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    RedisConnections(@Nullable RedisClient client) {
        this.client = client;
        this.connection = client == null ? null : client.connect();
    }

    public Optional<StatefulRedisConnection<String, String>> connection() {
        return Optional.ofNullable(connection);
    }

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
            client.shutdown();
        }
    }
}
