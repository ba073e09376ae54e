package dev.llmc.gateway.chat;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the best expert's node does not answer, the next expert in the ranking does; when none does, 502. */
@MicronautTest
class FallbackIT extends EmbeddedGatewayTest {
    private final FakeExpertNode programming = new FakeExpertNode("programming");

    @BeforeAll
    void registerExperts() {
        http().registerExpert("cooking", RoutingIT.COOKING, FakeExpertNode.refusingBaseUrl());
        http().registerExpert("programming", RoutingIT.PROGRAMMING, programming.baseUrl());
    }

    @AfterAll
    void stopNode() {
        programming.close();
    }

    @Test
    void fallsBackToNextExpertWhenBestNodeRefuses() {
        Reply reply = http().post("/chat", """
                {"user_id": "u", "conversation_id": "c", "messages": [{"role": "user", "content": "Give me a lasagna recipe."}]}""");

        assertEquals(200, reply.status(), reply.body());
        assertEquals("programming", reply.json().get("expert").asText());
    }

    @Test
    void pinnedExpertWithDeadNodeIsBadGateway() {
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "cooking", "messages": [{"role": "user", "content": "Give me a lasagna recipe."}]}""");

        assertEquals(502, reply.status(), reply.body());
        assertEquals("upstream_error", reply.json().at("/error/type").asText());
        assertTrue(reply.json().at("/error/message").asText().contains("cooking"), reply.body());
    }
}
