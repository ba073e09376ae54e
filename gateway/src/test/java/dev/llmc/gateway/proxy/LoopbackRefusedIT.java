package dev.llmc.gateway.proxy;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without {@code llmc.nodes.allow-loopback} (the production default), nodes on the gateway's own host are refused. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LoopbackRefusedIT extends EmbeddedGatewayTest {

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.nodes.allow-loopback", "false");
    }

    @Test
    void refusesLoopbackNodeByNameAndByAddress() {
        for (String baseUrl : new String[] {"http://127.0.0.1:8080/v1", "http://localhost:8080/v1", "http://[::1]:8080/v1"}) {
            Reply reply = http().post("/experts", """
                    {"name": "local", "description": "d", "nodes": [{"base_url": "%s"}]}""".formatted(baseUrl));

            assertEquals(400, reply.status(), reply.body());
            assertTrue(reply.json().at("/error/message").asText().contains("allow-loopback"), reply.body());
        }
    }
}
