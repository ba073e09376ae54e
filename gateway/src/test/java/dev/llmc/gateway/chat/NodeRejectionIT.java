package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.proxy.NodeHealth;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.gateway.testing.NodeRotation;
import dev.llmc.registry.ExpertCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's 401/403/404 is its expert's configuration problem: the next expert answers and only that expert's node
 * leaves rotation (not another expert's node on the same server). Its other 4xx is the request's problem: the caller
 * gets that status naming the expert and the node's message (never its address), and no other expert is asked.
 * Cooking is first for recipe questions, programming next; baking (paused) shares cooking's server.
 */
@MicronautTest
@Timeout(120)
class NodeRejectionIT extends EmbeddedGatewayTest {
    private final FakeExpertNode cooking = fakeNode("cooking");
    private final FakeExpertNode programming = fakeNode("programming");
    @Inject
    NodeHealth health;
    @Inject
    ExpertCatalog catalog;
    @Inject
    MeterRegistry meters;
    private String cookingId;
    private String bakingId;

    @Override
    protected Map<String, String> extraProperties() {
        // Health checks an hour apart: what marks a node here is traffic.
        return Map.of("llmc.nodes.health-interval", "1h", "llmc.upstream.circuit-failures", "1000");
    }

    @BeforeAll
    void registerExperts() {
        cookingId = http().registerExpert("cooking", RoutingIT.COOKING, cooking.baseUrl()).get("id").asText();
        http().registerExpert("programming", RoutingIT.PROGRAMMING, programming.baseUrl());
        Reply baking = http().post("/experts", """
                {"name": "baking", "description": "Knitting patterns and yarn.", "nodes": [{"base_url": "%s", "model": "cooking"}]}"""
                .formatted(cooking.baseUrl()));
        assertEquals(201, baking.status(), baking.body());
        bakingId = baking.json().get("id").asText();
        // Paused: not routed to, still health-checked and shown; it shares cooking's server, not its fate.
        assertEquals(200, http().patch("/experts/" + bakingId, "{\"status\": \"paused\"}").status());
    }

    @BeforeEach
    void allAnswerAndAreInRotation() {
        cooking.answer();
        programming.answer();
        NodeRotation.putEveryNodeBack(catalog, health);
    }

    private Reply ask(boolean stream) {
        return http().post("/v1/chat/completions", """
                {"model": "auto", "stream": %s, "messages": [{"role": "user", "content": "%s"}]}""".formatted(stream, RoutingIT.RECIPE));
    }

    private static String model(Reply reply, boolean stream) {
        return stream ? FakeExpertNode.json(dev.llmc.gateway.testing.ServerSentEvents.parse(reply.body()).getFirst().data())
                .get("model").asText() : reply.json().get("model").asText();
    }

    private boolean healthy(String expertId) {
        return http().get("/experts/" + expertId).json().at("/nodes/0/healthy").asBoolean();
    }

    @ParameterizedTest(name = "{0}, stream {1}")
    @CsvSource({"401,false", "403,true", "404,false", "401,true"})
    void aConfigurationStatusFallsBackToTheNextExpertAndMarksOnlyThatExpertsNode(int status, boolean stream) {
        cooking.fail(status);
        int cookingCalls = cooking.completions();

        Reply reply = ask(stream);

        assertEquals(200, reply.status(), reply.body());
        assertEquals("programming", model(reply, stream), reply.body());
        assertEquals(cookingCalls + 1, cooking.completions(), "cooking's node was asked once");
        assertFalse(healthy(cookingId), "cooking's node is out of rotation");
        assertTrue(healthy(bakingId), "baking's node on the same server is not");
        Reply again = ask(stream);
        assertEquals(200, again.status(), again.body());
        assertEquals(cookingCalls + 1, cooking.completions(), "cooking's node gets no more traffic until a health check passes");
    }

    @ParameterizedTest(name = "{0}, stream {1}")
    @CsvSource({"400,false", "422,true", "413,false", "406,true"})
    void aRequestStatusIsTheCallersAndNoOtherExpertIsAsked(int status, boolean stream) {
        cooking.fail(status, "max_tokens is too large for this model (see " + cooking.baseUrl() + "/models)");
        int programmingCalls = programming.completions();
        double failures = meters.get("llmc.circuit.state").tags("expert", "cooking", "node", "0").gauge().value();

        Reply reply = ask(stream);

        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.header("Content-Type").orElse("").startsWith("application/json"), reply.body());
        JsonNode error = reply.json().get("error");
        assertEquals("expert_rejected_request", error.get("code").asText(), reply.body());
        String message = error.get("message").asText();
        assertTrue(message.contains("'cooking'"), message);
        assertTrue(message.startsWith("expert 'cooking' rejected the request (" + status + "): "), message);
        assertTrue(message.contains("max_tokens is too large for this model"), message);
        assertFalse(reply.body().contains("127.0.0.1"), "no node address: " + reply.body());
        assertEquals(programmingCalls, programming.completions(), "programming's node received no request");
        assertTrue(healthy(cookingId), "a rejected request says nothing about the node");
        assertEquals(failures, meters.get("llmc.circuit.state").tags("expert", "cooking", "node", "0").gauge().value());
    }
}
