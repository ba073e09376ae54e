package dev.llmc.gateway.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.storage.RedisConnections;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.gateway.testing.ServerSentEvents;
import dev.llmc.gateway.testing.ServerSentEvents.Event;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokens per minute bind every chat turn, written as the attack: a key streaming until it is refused, streams whose
 * caller never asked for usage, a node that reports no usage, and many turns in flight at once against one bucket (in
 * Redis).
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TokenLimitIT extends EmbeddedGatewayTest {
    private static final String KNEAD = "How long should I knead bread dough?";
    /** Every reply of this node reports 40 tokens: 30 of prompt, 10 of completion. */
    private final FakeExpertNode forty = fakeNode("forty").reportUsage(30, 10);
    /** Its replies can be held, so that turns sent together are in flight together. */
    private final FakeExpertNode held = fakeNode("held").reportUsage(30, 10);
    /** Reports no usage, streamed or not, asked or not; its reply "silent answers" is 14 characters. */
    private final FakeExpertNode silent = fakeNode("silent").reportNoUsage();
    /** A server that predates stream_options: it refuses the field with 400 and so never reports a stream's usage. */
    private final FakeExpertNode legacy = fakeNode("legacy").rejectStreamOptions();

    @Inject
    RedisConnections redis;

    @Override
    protected Map<String, String> extraProperties() {
        // Every /chat turn goes to the best-scoring expert, "forty", never to a new expert for exploration.
        return Map.of("llmc.routing.cold-start.share", "0");
    }

    @BeforeAll
    void registerExperts() {
        http().registerExpert("forty", "Baking expert: bread dough, kneading, proofing, sourdough and ovens.", forty.baseUrl());
        http().registerExpert("held", "Tax expert: income tax returns, deductions and accounting.", held.baseUrl());
        http().registerExpert("silent", "Astronomy expert: planets, stars, telescopes and orbits.", silent.baseUrl());
        http().registerExpert("legacy", "Gardening expert: soil, seeds, pruning and compost.", legacy.baseUrl());
    }

    /** An app key limited to {@code tokensPerMinute} (no request limit), and its id (its bucket is llmc:rl:&lt;id&gt;). */
    private record LimitedKey(GatewayHttp http, String id) {
    }

    private LimitedKey limitedTo(int tokensPerMinute) {
        Reply issued = http().post("/keys", """
                {"role": "app", "owner": "limited", "requests_per_minute": 0, "tokens_per_minute": %d}""".formatted(tokensPerMinute));
        assertEquals(201, issued.status(), issued.body());
        return new LimitedKey(http(issued.json().get("key").asText()), issued.json().get("id").asText());
    }

    @Test
    void chatStreamsAreChargedUntilTheFourthIsRefused() {
        GatewayHttp app = limitedTo(100).http();
        List<Integer> statuses = new ArrayList<>();
        List<Reply> replies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Reply reply = app.post("/chat", """
                    {"user_id": "u1", "conversation_id": "knead", "stream": true,
                     "messages": [{"role": "user", "content": "%s"}]}""".formatted(KNEAD));
            statuses.add(reply.status());
            replies.add(reply);
        }

        // 100 → 60 → 20 → −20: the fourth stream finds the bucket negative, and so do the two after it.
        assertEquals(List.of(200, 200, 200, 429, 429, 429), statuses, replies.toString());
        for (Reply served : replies.subList(0, 3)) {
            List<Event> events = ServerSentEvents.parse(served.body());
            assertEquals("forty", FakeExpertNode.json(events.getFirst().data()).get("expert").asText(), served.body());
            assertEquals("done", events.getLast().name(), served.body());
        }
        Reply refused = replies.get(3);
        assertTrue(refused.header("Content-Type").orElse("").startsWith("application/json"), refused.headers().toString());
        JsonNode error = refused.json().get("error");
        assertEquals("rate_limit_error", error.get("type").asText(), refused.body());
        assertEquals("rate_limit_exceeded", error.get("code").asText(), refused.body());
        assertEquals(refused.header("X-Request-Id").orElseThrow(), error.get("request_id").asText(), refused.body());
        // 20 tokens owed at 100 a minute: 12 s, less what refilled while the three streams ran.
        long retryAfter = Long.parseLong(refused.header("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 12, "Retry-After " + retryAfter);
        assertEquals("rate limit of this API key exceeded; retry after " + retryAfter + " s", error.get("message").asText());
    }

    @Test
    void aV1StreamWithoutIncludeUsageIsChargedAndShowsNoUsage() {
        GatewayHttp app = limitedTo(100).http();
        String streamed = """
                {"model": "forty", "stream": true, "messages": [{"role": "user", "content": "%s"}]}""".formatted(KNEAD);

        for (int i = 0; i < 3; i++) {
            Reply reply = app.post("/v1/chat/completions", streamed);
            assertEquals(200, reply.status(), reply.body());
            List<Event> events = ServerSentEvents.parse(reply.body());
            assertEquals("[DONE]", events.getLast().data());
            List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(e -> FakeExpertNode.json(e.data())).toList();
            assertEquals(4, chunks.size(), "role, two words, finish reason; no usage chunk: " + reply.body());
            chunks.forEach(chunk -> assertFalse(chunk.has("usage"), "no usage field for a caller who did not ask: " + chunk));
            JsonNode forwarded = forty.requests().getLast();
            assertTrue(forwarded.at("/stream_options/include_usage").asBoolean(), "the node was asked for usage: " + forwarded);
        }
        Reply refused = app.post("/v1/chat/completions", streamed);

        assertEquals(429, refused.status(), refused.body());
        assertEquals("rate_limit_exceeded", refused.json().at("/error/code").asText());
    }

    @Test
    void aV1StreamWithIncludeUsageSeesTheNodesUsageChunkAndIsChargedIt() {
        GatewayHttp app = limitedTo(100).http();
        String streamed = """
                {"model": "forty", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "%s"}]}""".formatted(KNEAD);

        for (int i = 0; i < 3; i++) {
            Reply reply = app.post("/v1/chat/completions", streamed);
            assertEquals(200, reply.status(), reply.body());
            List<Event> events = ServerSentEvents.parse(reply.body());
            List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(e -> FakeExpertNode.json(e.data())).toList();
            assertEquals(5, chunks.size(), reply.body());
            JsonNode usageChunk = chunks.getLast();
            assertEquals(0, usageChunk.get("choices").size(), reply.body());
            assertEquals(40, usageChunk.at("/usage/total_tokens").asInt(), reply.body());
            assertEquals(30, usageChunk.at("/usage/prompt_tokens").asInt(), reply.body());
            // The other chunks as OpenAI sends them to a caller who asked: "usage": null.
            chunks.subList(0, 4).forEach(chunk -> assertTrue(chunk.get("usage").isNull(), chunk.toString()));
        }

        assertEquals(429, app.post("/v1/chat/completions", streamed).status());
    }

    @Test
    void aNodeThatReportsNoUsageIsChargedCharactersOverFour() {
        // 184 characters of prompt → 46 tokens; "silent answers", 14 characters → 4: each turn costs 50 tokens.
        String prompt = "x".repeat(184);
        String completion = """
                {"model": "silent", "messages": [{"role": "user", "content": "%s"}]}""".formatted(prompt);
        String streamed = """
                {"model": "silent", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "%s"}]}""".formatted(prompt);

        for (String request : List.of(completion, streamed)) {
            GatewayHttp app = limitedTo(60).http();
            assertEquals(200, app.post("/v1/chat/completions", request).status());
            assertEquals(200, app.post("/v1/chat/completions", request).status());
            Reply refused = app.post("/v1/chat/completions", request);

            // 60 → 10 → −40 at one token a second: 40 s to wait, less the refill while the two turns ran.
            assertEquals(429, refused.status(), refused.body());
            long retryAfter = Long.parseLong(refused.header("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 38 && retryAfter <= 40, request + ": Retry-After " + retryAfter);
        }
    }

    @Test
    void aNodeThatRefusesStreamOptionsStreamsAndIsChargedItsEstimate() {
        // As the silent node: 46 tokens of prompt and 4 of "legacy answers", 50 a turn.
        String streamed = """
                {"model": "legacy", "stream": true, "messages": [{"role": "user", "content": "%s"}]}""".formatted("x".repeat(184));
        GatewayHttp app = limitedTo(60).http();
        int before = legacy.requests().size();

        Reply first = app.post("/v1/chat/completions", streamed);
        assertEquals(200, first.status(), first.body());
        List<Event> events = ServerSentEvents.parse(first.body());
        assertEquals("[DONE]", events.getLast().data());
        String text = events.stream().filter(event -> !event.data().equals("[DONE]"))
                .map(event -> FakeExpertNode.json(event.data()).path("choices").path(0).path("delta").path("content").asText(""))
                .reduce("", String::concat);
        assertEquals("legacy answers", text);
        // Asked with stream_options (refused), then exactly as the caller asked.
        List<JsonNode> seen = legacy.requests().subList(before, legacy.requests().size());
        assertEquals(2, seen.size());
        assertTrue(seen.get(0).has("stream_options"));
        assertFalse(seen.get(1).has("stream_options"));

        assertEquals(200, app.post("/v1/chat/completions", streamed).status());
        assertEquals(429, app.post("/v1/chat/completions", streamed).status());
    }

    @Test
    void aCallersOwnStreamOptionsRefusedByTheNodeGetTheNodesStatus() {
        Reply refused = http().post("/v1/chat/completions", """
                {"model": "legacy", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "Which compost for tomatoes?"}]}""");

        assertEquals(400, refused.status(), refused.body());
        assertTrue(refused.json().path("error").path("message").asText().contains("stream_options"), refused.body());
    }

    @Test
    void turnsSentTogetherOverdrawTheBucketByLessThanOneReservation() throws Exception {
        LimitedKey key = limitedTo(100);
        // "hello": 5 characters → 2 tokens of prompt, plus max_tokens 30: each turn reserves 32.
        String request = """
                {"model": "held", "max_tokens": 30, "messages": [{"role": "user", "content": "hello"}]}""";
        ExecutorService callers = Executors.newFixedThreadPool(10);
        held.hold();
        try {
            long start = System.nanoTime();
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                replies.add(callers.submit(() -> key.http().post("/v1/chat/completions", request)));
                // The next is sent once this one is refused or waits at the node, all of them in flight together. (Ten
                // sent in one burst on a starved CPU can keep Redis past its 200 ms, and the gateway then fails open to
                // its own buckets, as it should.)
                int sent = i + 1;
                await("request " + sent + " refused or at the node").atMost(Duration.ofSeconds(30))
                        .until(() -> replies.stream().filter(Future::isDone).count() + held.completions() == sent);
            }
            double tokensLeft = Double.parseDouble(redis.connection().orElseThrow().sync().hget("llmc:rl:" + key.id(), "t"));
            double refilled = (System.nanoTime() - start) / 1e9 * 100 / 60;
            held.release();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Reply> reply : replies) {
                statuses.add(reply.get(30, TimeUnit.SECONDS).status());
            }

            // 100 → 68 → 36 → 4 → −28: four admitted, and the bucket 28 below zero, less than one reservation (32).
            assertEquals(4, statuses.stream().filter(status -> status == 200).count(), statuses.toString());
            assertEquals(6, statuses.stream().filter(status -> status == 429).count(), statuses.toString());
            assertTrue(tokensLeft > -32 && tokensLeft <= -28 + refilled,
                    "tokens left while four turns were in flight: " + tokensLeft + " (refilled at most " + refilled + ")");
        } finally {
            held.release();
            callers.shutdownNow();
        }
    }
}
