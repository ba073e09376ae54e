package dev.llmc.gateway.storage;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The fault: the gateway starts while its Redis is unreachable (a pod scaled out during a Redis outage). It must start
 * and serve on its in-process fallbacks, and use Redis once Redis is up, without a restart.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisLateStartIT extends EmbeddedGatewayTest {
    private final int redisPort = freePort();
    private final FakeExpertNode node = fakeNode("general");
    private RedisServer redis;

    @Override
    protected Map<String, String> extraProperties() {
        // Nothing listens there yet.
        return Map.of("llmc.redis.url", "redis://127.0.0.1:" + redisPort);
    }

    @Test
    void startsWithoutRedisAndUsesItOnceItIsUp() throws IOException {
        Reply health = http().send(http().request("/health", null).GET());
        assertEquals(200, health.status(), health.body());
        assertEquals("UP", health.json().get("status").asText());
        assertFalse(http().get("/admin/health").json().at("/checks/redis/details/reachable").asBoolean(true));
        http().registerExpert("general", "General knowledge assistant.", node.baseUrl());
        GatewayHttp limited = issueLimitedKey();
        Reply before = limited.post("/chat", chat("late-1"));
        assertEquals(200, before.status(), before.body());

        redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1").setting("save \"\"").build();
        redis.start();

        await("the gateway reaches Redis").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> http().get("/admin/health").json().at("/checks/redis/details/reachable").asBoolean(false));
        Reply after = limited.post("/chat", chat("late-2"));
        assertEquals(200, after.status(), after.body());
        String messageId = after.json().get("message_id").asText();
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + redisPort);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            await("the message index and the rate-limit bucket are in Redis").atMost(Duration.ofSeconds(5))
                    .until(() -> connection.sync().exists("llmc:message-owner:" + messageId) == 1
                            && !connection.sync().keys("llmc:rl:*").isEmpty());
        } finally {
            client.shutdown();
        }
    }

    private GatewayHttp issueLimitedKey() {
        Reply issued = http().post("/keys", """
                {"role": "app", "owner": "late", "requests_per_minute": 1000}""");
        assertEquals(201, issued.status(), issued.body());
        return http(issued.json().get("key").asText());
    }

    private static String chat(String conversation) {
        return """
                {"user_id": "u-late", "conversation_id": "%s", "messages": [{"role": "user", "content": "Hello there"}]}"""
                .formatted(conversation);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    void stopRedis() throws IOException {
        if (redis != null) {
            redis.stop();
        }
    }
}
