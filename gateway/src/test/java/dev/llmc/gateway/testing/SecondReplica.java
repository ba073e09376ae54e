package dev.llmc.gateway.testing;

import dev.llmc.gateway.storage.EmbeddedPostgresServer;
import dev.llmc.gateway.storage.EmbeddedRedisServer;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import java.util.HashMap;
import java.util.Map;

/** A second gateway replica in the same JVM, sharing the first one's embedded PostgreSQL and Redis. */
public final class SecondReplica implements AutoCloseable {
    private final ApplicationContext context;
    private final EmbeddedServer server;

    public SecondReplica(EmbeddedPostgresServer postgres, EmbeddedRedisServer redis, Map<String, String> extraProperties) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "micronaut.server.port", "-1",
                "llmc.database.url", postgres.jdbcUrl(),
                "llmc.redis.url", redis.url(),
                "llmc.admin-key", EmbeddedGatewayTest.ADMIN_KEY,
                "llmc.secrets-key", EmbeddedGatewayTest.SECRETS_KEY,
                "llmc.nodes.allow-loopback", "true"));
        properties.putAll(extraProperties);
        context = ApplicationContext.run(properties);
        server = context.getBean(EmbeddedServer.class).start();
    }

    public GatewayHttp http(String key) {
        return new GatewayHttp(server.getURI(), key);
    }

    @Override
    public void close() {
        context.close();
    }
}
