package dev.llmc.gateway.ratelimit;

import dev.llmc.gateway.storage.EmbeddedPostgresServer;
import dev.llmc.gateway.storage.EmbeddedRedisServer;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.gateway.testing.SecondReplica;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests and tokens per minute per API key, counted in Redis: 429 with Retry-After over the limit, a key's own
 * limits over the defaults, tokens charged from the node's usage, and one limit across two gateway replicas.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RateLimitIT extends EmbeddedGatewayTest {
    private final FakeExpertNode node = fakeNode("echo");
    private SecondReplica second;

    @Inject
    EmbeddedPostgresServer postgres;
    @Inject
    EmbeddedRedisServer redis;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.rate-limits.requests-per-minute", "3");
    }

    @BeforeAll
    void setUp() {
        http().registerExpert("echo", "Echo expert: repeats things", node.baseUrl());
        second = new SecondReplica(postgres, redis, Map.of("llmc.rate-limits.requests-per-minute", "3"));
    }

    @AfterAll
    void tearDown() {
        if (second != null) {
            second.close();
        }
    }

    private String issue(String limits) {
        Reply reply = http().post("/keys", """
                {"role": "app", "owner": "limited"%s}""".formatted(limits));
        assertEquals(201, reply.status(), reply.body());
        return reply.json().get("key").asText();
    }

    private static Reply chat(GatewayHttp as) {
        return as.post("/v1/chat/completions", """
                {"model": "echo", "messages": [{"role": "user", "content": "hello"}]}""");
    }

    @Test
    void refusesTheRequestOverTheDefaultLimitWithRetryAfter() {
        GatewayHttp app = http(issue(""));
        for (int i = 0; i < 3; i++) {
            assertEquals(200, chat(app).status());
        }

        Reply refused = chat(app);

        assertEquals(429, refused.status(), refused.body());
        assertEquals("rate_limit_exceeded", refused.json().at("/error/code").asText());
        assertEquals("rate_limit_error", refused.json().at("/error/type").asText());
        // 3 per minute: the next request is 20 s away, rounded up to whole seconds.
        assertEquals("20", refused.header("Retry-After").orElseThrow());
    }

    @Test
    void aKeysOwnLimitWinsOverTheDefault() {
        Reply issued = http().post("/keys", """
                {"role": "app", "owner": "own-limit", "requests_per_minute": 1}""");
        assertEquals(1, issued.json().get("requests_per_minute").asLong());
        GatewayHttp app = http(issued.json().get("key").asText());

        assertEquals(200, chat(app).status());
        Reply refused = chat(app);

        assertEquals(429, refused.status());
        assertEquals("60", refused.header("Retry-After").orElseThrow());
    }

    @Test
    void otherKeysAreNotAffected() {
        GatewayHttp limited = http(issue(", \"requests_per_minute\": 1"));
        GatewayHttp other = http(issue(", \"requests_per_minute\": 1"));
        chat(limited);
        assertEquals(429, chat(limited).status());

        assertEquals(200, chat(other).status());
    }

    @Test
    void chargesTheTokensTheNodeReportedAndRefusesOnceTheyAreSpent() {
        // The fake node reports 14 tokens per reply: 20 → 6 → −8, and the third request waits for 8 tokens (24 s).
        GatewayHttp app = http(issue(", \"requests_per_minute\": 0, \"tokens_per_minute\": 20"));

        assertEquals(200, chat(app).status());
        assertEquals(200, chat(app).status());
        // The charge reaches Redis before the reply leaves, on the same connection: no race with the next request.
        Reply refused = chat(app);

        assertEquals(429, refused.status(), refused.body());
        assertEquals("24", refused.header("Retry-After").orElseThrow());
    }

    @Test
    void chargesTheUsageAStreamReportsAtItsEnd() {
        GatewayHttp app = http(issue(", \"requests_per_minute\": 0, \"tokens_per_minute\": 20"));
        String streamed = """
                {"model": "echo", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "hello"}]}""";

        Reply first = app.post("/v1/chat/completions", streamed);
        assertEquals(200, first.status(), first.body());
        assertTrue(first.body().contains("\"total_tokens\":14"), "the usage chunk reaches the caller: " + first.body());
        assertEquals(200, app.post("/v1/chat/completions", streamed).status());
        Reply refused = app.post("/v1/chat/completions", streamed);

        // 20 → 6 → −8, as for replies that are not streamed.
        assertEquals(429, refused.status(), refused.body());
        assertEquals("24", refused.header("Retry-After").orElseThrow());
    }

    @Test
    void theLimitHoldsAcrossTwoReplicas() {
        String key = issue(", \"requests_per_minute\": 2");
        GatewayHttp onFirst = http(key);
        GatewayHttp onSecond = second.http(key);
        awaitKnown(onSecond);

        assertEquals(200, chat(onFirst).status());
        Reply refused = chat(onFirst);

        // Each replica alone would allow two; together they have spent both.
        assertEquals(429, refused.status(), refused.body());
        assertEquals(429, chat(onSecond).status());
    }

    @Test
    void negativeLimitsAreRejected() {
        Reply reply = http().post("/keys", """
                {"role": "app", "owner": "x", "requests_per_minute": -1}""");

        assertEquals(400, reply.status());
        assertTrue(reply.json().at("/error/message").asText().contains("requests_per_minute"), reply.body());
    }

    /** The second replica learns a new key through a PostgreSQL notification; spends one request there when it does. */
    private static void awaitKnown(GatewayHttp onSecond) {
        await("the second replica accepts the key").atMost(Duration.ofSeconds(2)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ZERO).until(() -> chat(onSecond).status() != 401);
    }
}
