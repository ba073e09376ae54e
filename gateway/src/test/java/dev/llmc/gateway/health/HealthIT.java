package dev.llmc.gateway.health;

import dev.llmc.gateway.storage.EmbeddedRedisServer;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.embedded.RedisServer;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness says whether this replica can serve chat, so a Redis outage (the gateway falls back to in-process state)
 * keeps it ready; what the stores are doing is for admins, at /admin/health.
 */
@MicronautTest
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HealthIT extends EmbeddedGatewayTest {
    @Inject
    EmbeddedRedisServer redis;

    private RedisServer redisServer() throws ReflectiveOperationException {
        var field = EmbeddedRedisServer.class.getDeclaredField("redis");
        field.setAccessible(true);
        return (RedisServer) field.get(redis);
    }

    @Test
    void adminsReadEveryStoresStateOthersAreRefused() {
        Reply admin = http().get("/admin/health");
        Reply developer = issueKey("developer", "dev-h").get("/admin/health");

        assertEquals(200, admin.status(), admin.body());
        assertEquals("UP", admin.json().get("status").asText());
        assertTrue(admin.json().at("/checks/postgresql/details/reachable").asBoolean(), admin.body());
        assertTrue(admin.json().at("/checks/redis/details/reachable").asBoolean(), admin.body());
        assertEquals(403, developer.status(), developer.body());
    }

    @Test
    void aRedisOutageKeepsTheReplicaReadyAndShowsInTheAdminDetails() throws Exception {
        RedisServer server = redisServer();
        server.stop();
        try {
            Reply readiness = http().send(http().request("/health/readiness", null).GET());
            Reply details = http().get("/admin/health");

            assertEquals(200, readiness.status(), readiness.body());
            assertEquals("UP", readiness.json().get("status").asText());
            assertFalse(details.json().at("/checks/redis/details/reachable").asBoolean(true), details.body());
        } finally {
            server.start();
        }
    }
}
