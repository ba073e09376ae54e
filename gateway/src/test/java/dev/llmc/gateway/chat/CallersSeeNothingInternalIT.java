package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's attack: callers without the admin key provoke node failures and read the anonymous endpoints, and find
 * no node address, host name, stack trace or library exception text, only a stable message, a code and the request id.
 * The nodes' own error messages carry exactly such internals, so passing them through would fail here.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CallersSeeNothingInternalIT extends EmbeddedGatewayTest {
    private static final String NODE_INTERNALS =
            "java.lang.IllegalStateException: pool exhausted at http://gpu-7.internal.example:9302/v1 (db.internal.example)";
    private static final List<String> FORBIDDEN = List.of("127.0.0.1", "localhost", "http://", "internal.example",
            "Exception", "\tat ", "io.netty", "io.micronaut", "dev.llmc");

    private final FakeExpertNode cooking = fakeNode("cooking");
    private final FakeExpertNode programming = fakeNode("programming");

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.upstream.circuit-failures", "1000", "llmc.nodes.health-interval", "1h");
    }

    @BeforeAll
    void registerFailingExperts() {
        http().registerExpert("cooking", RoutingIT.COOKING, cooking.baseUrl());
        http().registerExpert("programming", RoutingIT.PROGRAMMING, programming.baseUrl());
        cooking.fail(500, NODE_INTERNALS);
        programming.fail(503, NODE_INTERNALS);
    }

    private static void assertNothingInternal(String body) {
        for (String internal : FORBIDDEN) {
            assertFalse(body.contains(internal), "'" + internal + "' reached the caller: " + body);
        }
    }

    @ParameterizedTest(name = "{0} key, {1} stream={2}")
    @CsvSource({"app, /v1/chat/completions, false", "app, /v1/chat/completions, true", "app, /chat, false",
            "app, /chat, true"})
    void aNodeFailureShowsTheCallerTheExpertsACodeAndTheRequestIdOnly(String role, String path, boolean stream) {
        GatewayHttp caller = issueKey(role, "tenant-" + role);
        String body = path.equals("/chat")
                ? """
                {"user_id": "u1", "conversation_id": "c1", "stream": %s, "messages": [{"role": "user", "content": "%s"}]}""".formatted(stream, RoutingIT.RECIPE)
                : """
                {"model": "auto", "stream": %s, "messages": [{"role": "user", "content": "%s"}]}""".formatted(stream, RoutingIT.RECIPE);
        String requestId = "attack-" + role + "-" + path.length() + "-" + stream;

        Reply reply = caller.send(caller.request(path).header("X-Request-Id", requestId)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));

        assertEquals(502, reply.status(), reply.body());
        JsonNode error = reply.json().get("error");
        assertEquals("upstream_unavailable", error.get("code").asText(), reply.body());
        assertEquals(requestId, error.get("request_id").asText(), reply.body());
        String message = error.get("message").asText();
        assertTrue(message.contains("cooking") && message.contains("programming"), "names the experts tried: " + message);
        assertNothingInternal(reply.body());
    }

    @Test
    void aDeveloperWhoseNodeFailsItsProbeSeesNoneOfTheNodesInternals() {
        GatewayHttp developer = issueKey("developer", "tenant-developer");
        FakeExpertNode flaky = fakeNode("flaky").fail(500, NODE_INTERNALS);

        Reply registered = developer.post("/experts", """
                {"name": "flaky", "description": "baking", "nodes": [{"base_url": "%s"}]}""".formatted(flaky.baseUrl()));
        Reply read = developer.get("/experts/" + registered.json().get("id").asText());

        assertEquals(201, registered.status(), registered.body());
        assertEquals(200, read.status(), read.body());
        for (String internal : List.of("IllegalStateException", "internal.example", "pool exhausted", "\tat ")) {
            assertFalse(registered.body().contains(internal) || read.body().contains(internal), internal + ": " + read.body());
        }
    }

    @Test
    void anonymousHealthIsTheStatusAlone() {
        for (String path : List.of("/health", "/health/readiness", "/health/liveness")) {
            Reply reply = http(null).get(path);

            assertEquals(200, reply.status(), path + " " + reply.body());
            assertEquals("{\"status\":\"UP\"}", reply.body(), path + " shows more than its status");
        }
    }

    @Test
    void anonymousMetricsLabelNodesByExpertAndIndexNeverByAddress() {
        http(null).get("/health");
        issueKey("app", "tenant-metrics").post("/v1/chat/completions", """
                {"model": "auto", "messages": [{"role": "user", "content": "%s"}]}""".formatted(RoutingIT.RECIPE));

        Reply metrics = http(null).get("/prometheus");

        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("llmc_circuit_state{expert=\"cooking\",node=\"0\"}"), "breaker by expert and index");
        assertFalse(metrics.body().contains(cooking.baseUrl()) || metrics.body().contains("127.0.0.1"),
                "a node address in the metrics");
    }
}
