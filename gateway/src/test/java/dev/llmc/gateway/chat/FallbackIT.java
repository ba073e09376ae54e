package dev.llmc.gateway.chat;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the best expert's node fails between health checks, the next expert in the ranking answers; a pinned expert
 * whose node fails is 502. (Health checks are slowed down here so the dead node is still in rotation.)
 */
@MicronautTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FallbackIT extends EmbeddedGatewayTest {
    private final FakeExpertNode cooking = fakeNode("cooking");
    private final FakeExpertNode programming = fakeNode("programming");
    private final FakeExpertNode emotional = fakeNode("emotional-support");

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.nodes.health-interval", "1h");
    }

    @BeforeAll
    void registerExpertsThenStopTwoNodes() {
        http().registerExpert("cooking", RoutingIT.COOKING, cooking.baseUrl());
        http().registerExpert("programming", RoutingIT.PROGRAMMING, programming.baseUrl());
        http().registerExpert("emotional-support", RoutingIT.EMOTIONAL, emotional.baseUrl());
        cooking.down();
        emotional.down();
    }

    @Test
    @Order(2)
    void fallsBackToNextExpertWhenBestNodeRefuses() {
        Reply reply = http().post("/chat", """
                {"user_id": "u", "conversation_id": "c", "messages": [{"role": "user", "content": "Give me a lasagna recipe."}]}""");

        assertEquals(200, reply.status(), reply.body());
        assertEquals("programming", reply.json().get("expert").asText());
    }

    @Test
    @Order(1)
    void pinnedExpertWhoseNodeDiesIsBadGatewayThenUnavailable() {
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "emotional-support", "messages": [{"role": "user", "content": "I feel lonely."}]}""");

        assertEquals(502, reply.status(), reply.body());
        assertEquals("upstream_error", reply.json().at("/error/type").asText());
        assertTrue(reply.json().at("/error/message").asText().contains("emotional-support"), reply.body());

        // The failed connection took the node out of rotation without waiting for the next health check.
        Reply next = http().post("/v1/chat/completions", """
                {"model": "emotional-support", "messages": [{"role": "user", "content": "I feel lonely."}]}""");
        assertEquals(503, next.status(), next.body());
        assertEquals("no_healthy_node", next.json().at("/error/code").asText());
    }
}
