package dev.llmc.gateway.chat;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attack from issue 14: developer B registers developer A's node URL with a wrong API key. Node state belongs to
 * each expert's node, so B's probes and failed chats take B's expert out of rotation and never A's: A's pinned chats
 * keep answering. The node requires a key for chat completions; {@code /v1/models} too, except on the second node,
 * where B's expert passes its health check and fails only on traffic.
 */
@MicronautTest
@Timeout(120)
class SharedNodeIT extends EmbeddedGatewayTest {
    private static final String KEY = "alpha-secret-key";
    private final FakeExpertNode node = fakeNode("alpha").requireApiKey(KEY, false);
    private final FakeExpertNode openModelsNode = fakeNode("gamma").requireApiKey(KEY, true);
    @Inject
    MeterRegistry meters;
    private GatewayHttp developerA;
    private GatewayHttp developerB;
    private GatewayHttp app;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.nodes.health-interval", "200ms", "llmc.upstream.circuit-failures", "2",
                "llmc.upstream.circuit-open", "1h");
    }

    private static Reply register(GatewayHttp as, String name, String baseUrl, String apiKey) {
        Reply reply = as.post("/experts", """
                {"name": "%s", "description": "%s", "nodes": [{"base_url": "%s", "api_key": "%s"}]}"""
                .formatted(name, RoutingIT.COOKING, baseUrl, apiKey));
        assertEquals(201, reply.status(), reply.body());
        return reply;
    }

    @BeforeAll
    void twoDevelopersAndAnApp() {
        developerA = issueKey("developer", "dev-a");
        developerB = issueKey("developer", "dev-b");
        app = issueKey("app", "chat-app");
    }

    private Reply pinned(String expert) {
        return app.post("/v1/chat/completions", """
                {"model": "%s", "messages": [{"role": "user", "content": "How long should a cake bake?"}]}""".formatted(expert));
    }

    private int probesWith(FakeExpertNode on, String key) {
        return (int) on.probeAuthorizations().stream().filter(("Bearer " + key)::equals).count();
    }

    @Test
    void aWrongKeyOnAnotherOwnersExpertFailsItsOwnHealthChecksOnly() {
        Reply alpha = register(developerA, "alpha", node.baseUrl(), KEY);
        assertEquals("active", alpha.json().get("status").asText(), alpha.body());
        register(developerA, "alpha-twin", node.baseUrl(), KEY);
        Reply beta = register(developerB, "beta", node.baseUrl(), "wrong-key");
        assertEquals("pending", beta.json().get("status").asText(), "B's node fails its first health check: " + beta.body());
        String betaId = beta.json().get("id").asText();

        int rightBefore = probesWith(node, KEY);
        int wrongBefore = probesWith(node, "wrong-key");
        await().atMost(Duration.ofSeconds(20)).until(() -> probesWith(node, "wrong-key") >= wrongBefore + 5);

        for (int i = 0; i < 5; i++) {
            Reply reply = pinned("alpha");
            assertEquals(200, reply.status(), reply.body());
            assertEquals("alpha", reply.json().get("model").asText());
        }
        assertEquals(200, pinned("alpha-twin").status());
        assertEquals(404, pinned("beta").status(), "beta never became active");
        Reply betaView = developerB.get("/experts/" + betaId);
        assertFalse(betaView.json().at("/nodes/0/healthy").asBoolean(), betaView.body());
        assertTrue(developerA.get("/experts/" + alpha.json().get("id").asText()).json().at("/nodes/0/healthy").asBoolean());
        // alpha and alpha-twin send one URL and one key: one probe per interval for both, as many as for beta's key.
        int right = probesWith(node, KEY) - rightBefore;
        int wrong = probesWith(node, "wrong-key") - wrongBefore;
        assertTrue(Math.abs(right - wrong) <= 1, "one probe per (URL, key) and interval: " + right + " with A's key, "
                + wrong + " with B's");
    }

    @Test
    void aWrongKeyFailingOnTrafficTakesOnlyThatExpertOutOfRotation() {
        register(developerA, "gamma", openModelsNode.baseUrl(), KEY);
        Reply delta = register(developerB, "delta", openModelsNode.baseUrl(), "wrong-key");
        assertEquals("active", delta.json().get("status").asText(), "the node lists models without a key: " + delta.body());

        Reply first = pinned("delta");
        assertEquals(502, first.status(), first.body());
        assertEquals("upstream_unavailable", first.json().at("/error/code").asText());
        assertFalse(first.body().contains(openModelsNode.baseUrl()), first.body());
        // Out of rotation at once; a health check lets it back in (its /models answers without a key), and the next 401
        // takes it out again until the second one opens its breaker for good.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            pinned("delta");
            return meters.get("llmc.circuit.state").tags("expert", "delta", "node", "0").gauge().value() == 2.0;
        });
        Reply refused = pinned("delta");
        assertEquals(503, refused.status(), refused.body());
        assertEquals("no_healthy_node", refused.json().at("/error/code").asText());

        for (int i = 0; i < 5; i++) {
            Reply reply = pinned("gamma");
            assertEquals(200, reply.status(), reply.body());
            assertEquals("gamma", reply.json().get("model").asText());
        }
        assertEquals(0.0, meters.get("llmc.circuit.state").tags("expert", "gamma", "node", "0").gauge().value());
        assertTrue(meters.find("llmc.circuit.state").tag("node", openModelsNode.baseUrl()).gauges().isEmpty(),
                "no gauge is labelled by URL");
    }
}
