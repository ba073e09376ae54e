package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.proxy.NodeHealth;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.gateway.testing.NodeRotation;
import dev.llmc.gateway.testing.ServerSentEvents;
import dev.llmc.gateway.testing.ServerSentEvents.Event;
import dev.llmc.registry.ExpertCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes that fail before their first byte (500, 429, hanging past the first-byte timeout, refusing) are retried once on
 * the expert's other node, then the next expert in the ranking answers; a node that dies after its first byte ends the
 * stream with an error event. Cooking (first for recipe questions) has two nodes; programming is next in the ranking.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NodeFailureIT extends EmbeddedGatewayTest {
    private final FakeExpertNode cookingA = fakeNode("cooking");
    private final FakeExpertNode cookingB = fakeNode("cooking");
    private final FakeExpertNode programming = fakeNode("programming");
    @Inject
    MeterRegistry meters;
    @Inject
    NodeHealth health;
    @Inject
    ExpertCatalog catalog;

    @Override
    protected Map<String, String> extraProperties() {
        // Breakers stay closed here (CircuitBreakerTest covers them); health checks must not interfere.
        return Map.of("llmc.upstream.first-byte-timeout", "500ms", "llmc.upstream.circuit-failures", "1000",
                "llmc.nodes.health-interval", "1h");
    }

    @BeforeAll
    void registerExperts() {
        Reply cooking = http().post("/experts", """
                {"name": "cooking", "description": "%s", "nodes": [{"base_url": "%s"}, {"base_url": "%s"}]}"""
                .formatted(RoutingIT.COOKING, cookingA.baseUrl(), cookingB.baseUrl()));
        assertEquals(201, cooking.status(), cooking.body());
        http().registerExpert("programming", RoutingIT.PROGRAMMING, programming.baseUrl());
    }

    @BeforeEach
    void allAnswerAndAreInRotation() {
        for (FakeExpertNode node : List.of(cookingA, cookingB, programming)) {
            node.answer();
        }
        // A node whose stream broke leaves rotation until its next health check, which is an hour away here.
        NodeRotation.putEveryNodeBack(catalog, health);
    }

    private Reply ask(boolean stream) {
        return http().post("/v1/chat/completions", """
                {"model": "auto", "stream": %s, "messages": [{"role": "user", "content": "%s"}]}""".formatted(stream, RoutingIT.RECIPE));
    }

    private double fallbacks(String kind) {
        return meters.counter("llmc.fallbacks", "kind", kind).count();
    }

    /** Asks while both cooking nodes fail as set up, and asserts: one try on each, then programming answered. */
    private void assertRetriedThenFellBack(boolean stream) {
        int a = cookingA.completions();
        int b = cookingB.completions();
        int p = programming.completions();
        double retries = fallbacks("retry");
        double fellBack = fallbacks("fallback");

        Reply reply = ask(stream);

        assertEquals(200, reply.status(), reply.body());
        String model = stream ? FakeExpertNode.json(ServerSentEvents.parse(reply.body()).getFirst().data()).get("model").asText()
                : reply.json().get("model").asText();
        assertEquals("programming", model, reply.body());
        assertEquals(a + 1, cookingA.completions(), "cooking's first node was tried once");
        assertEquals(b + 1, cookingB.completions(), "cooking's other node was tried once (the retry)");
        assertEquals(p + 1, programming.completions());
        assertEquals(retries + 1, fallbacks("retry"));
        assertEquals(fellBack + 1, fallbacks("fallback"));
    }

    @Test
    void serverErrorsAreRetriedOnTheOtherNodeThenFallBack() {
        cookingA.fail(500);
        cookingB.fail(500);

        assertRetriedThenFellBack(false);
    }

    @Test
    void rateLimitedNodesAreRetriedThenFallBackWhenStreaming() {
        cookingA.fail(429);
        cookingB.fail(429);

        assertRetriedThenFellBack(true);
    }

    @Test
    void nodesWithoutAFirstByteWithinTheTimeoutAreRetriedThenFallBack() {
        cookingA.hang();
        cookingB.hang();

        long start = System.nanoTime();
        assertRetriedThenFellBack(true);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 1000 && millis < 5000, "two first-byte timeouts of 500 ms, took " + millis + " ms");
    }

    @Test
    void aFailingNodeIsRetriedOnTheOtherNodeOfTheSameExpert() {
        cookingA.fail(503);
        cookingB.fail(503);
        double retries = fallbacks("retry");
        double fellBack = fallbacks("fallback");
        // One of the two is leased first at random; whichever it is, make the other answer.
        cookingB.answer();
        int a = cookingA.completions();

        Reply reply = ask(false);

        assertEquals(200, reply.status(), reply.body());
        assertEquals("cooking", reply.json().get("model").asText());
        assertEquals(fellBack, fallbacks("fallback"));
        assertEquals(retries + (cookingA.completions() - a), fallbacks("retry"), "a retry exactly when the failing node was tried");
    }

    @Test
    void openAiStreamThatDiesMidwayEndsWithAnErrorChunkAndNoDone() {
        cookingA.dieMidStream();
        cookingB.dieMidStream();

        Reply reply = ask(true);

        assertEquals(200, reply.status(), reply.body());
        List<Event> events = ServerSentEvents.parse(reply.body());
        assertEquals("cooking", FakeExpertNode.json(events.getFirst().data()).get("model").asText());
        JsonNode last = FakeExpertNode.json(events.getLast().data());
        assertEquals("upstream_stream_broken", last.at("/error/code").asText(), reply.body());
        assertEquals("upstream_error", last.at("/error/type").asText());
        assertFalse(reply.body().contains("[DONE]"), reply.body());
        assertEquals(0, events.stream().filter(e -> e.data().contains("\"programming\"")).count(), "no fallback after the first byte");
    }

    @Test
    void chatStreamThatDiesMidwayEndsWithAnErrorEvent() {
        cookingA.dieMidStream();
        cookingB.dieMidStream();

        Reply reply = http().post("/chat", """
                {"user_id": "u", "conversation_id": "die", "stream": true, "messages": [{"role": "user", "content": "%s"}]}"""
                .formatted(RoutingIT.RECIPE));

        assertEquals(200, reply.status(), reply.body());
        List<Event> events = ServerSentEvents.parse(reply.body());
        assertEquals(List.of("meta", "delta", "error"), events.stream().map(Event::name).toList(), reply.body());
        assertEquals("upstream_stream_broken", FakeExpertNode.json(events.getLast().data()).at("/error/code").asText());
    }

    @Test
    void allCandidatesFailingBeforeTheFirstByteIsBadGateway() {
        cookingA.fail(500);
        cookingB.fail(500);
        programming.fail(500);

        Reply reply = ask(true);

        assertEquals(502, reply.status(), reply.body());
        assertEquals("upstream_unavailable", reply.json().at("/error/code").asText());
        assertTrue(reply.header("Content-Type").orElse("").startsWith("application/json"));
    }

    @Test
    void prometheusShowsTheRequestPathMetrics() {
        cookingA.fail(500);
        cookingB.fail(500);
        ask(true);

        String metrics = http().get("/prometheus").body();

        for (String series : List.of("llmc_upstream_latency_seconds_count{expert=\"cooking\",outcome=\"status\"}",
                "llmc_upstream_latency_seconds_count{expert=\"programming\",outcome=\"success\"}",
                "llmc_stream_time_to_first_token_seconds_bucket{",
                "llmc_fallbacks_total{kind=\"retry\"}", "llmc_fallbacks_total{kind=\"fallback\"}",
                "llmc_circuit_state{expert=\"cooking\",node=\"0\"} 0.0",
                "llmc_gateway_overhead_seconds_bucket{le=")) {
            assertTrue(metrics.contains(series), "missing " + series + " in\n" + metrics.lines()
                    .filter(line -> line.startsWith("llmc_")).toList());
        }
    }
}
