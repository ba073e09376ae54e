package dev.llmc.gateway.chat;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With an empty registry, chat answers 503 and says why. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class NoActiveExpertIT extends EmbeddedGatewayTest {

    @Test
    void chatWithoutExpertsIsUnavailableWithReason() {
        Reply reply = http().post("/chat", """
                {"user_id": "u", "conversation_id": "c", "messages": [{"role": "user", "content": "hello"}]}""");

        assertEquals(503, reply.status(), reply.body());
        assertEquals("service_unavailable", reply.json().at("/error/type").asText());
        assertTrue(reply.json().at("/error/message").asText().contains("no active expert"), reply.body());
    }

    @Test
    void modelListHasOnlyAuto() {
        Reply reply = http().get("/v1/models");

        assertEquals(1, reply.json().get("data").size());
        assertEquals("auto", reply.json().at("/data/0/id").asText());
    }
}
