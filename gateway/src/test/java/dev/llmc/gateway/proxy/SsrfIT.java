package dev.llmc.gateway.proxy;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeDns;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Node URLs cannot reach metadata, link-local or unallowed private addresses: at registration and again at connect time. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SsrfIT extends EmbeddedGatewayTest {
    private final FakeExpertNode node = fakeNode("rebound");

    @Override
    protected Map<String, String> extraProperties() {
        // Slow health checks so that only the chat request below resolves the rebound name.
        return Map.of("llmc.test.fake-dns", "true", "llmc.nodes.health-interval", "1h");
    }

    private Reply register(String name, String baseUrl) {
        return http().post("/experts", """
                {"name": "%s", "description": "d", "nodes": [{"base_url": "%s"}]}""".formatted(name, baseUrl));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data", "http://[fd00:ec2::254]/v1", "http://[::ffff:169.254.169.254]/v1",
            "http://100.100.100.200/v1", "http://169.254.10.10:8000/v1", "http://[fe80::1]/v1", "http://0.0.0.0:8000/v1",
            "http://10.0.0.5:8000/v1", "http://192.168.1.20/v1"})
    void refusesForbiddenAddressLiterals(String baseUrl) {
        Reply reply = register("literal", baseUrl);

        assertEquals(400, reply.status(), reply.body());
        assertTrue(reply.json().at("/error/message").asText().startsWith("nodes[0].base_url is not allowed"), reply.body());
    }

    @Test
    void refusesAHostNameThatResolvesToTheMetadataAddress() {
        FakeDns.set("metadata.attacker.test", "169.254.169.254");

        Reply reply = register("sneaky", "http://metadata.attacker.test/v1");

        assertEquals(400, reply.status(), reply.body());
        assertTrue(reply.json().at("/error/message").asText().contains("resolves to 169.254.169.254"), reply.body());
    }

    @Test
    void refusesNonHttpSchemes() {
        Reply reply = register("gopher", "gopher://127.0.0.1:6379/_INFO");

        assertEquals(400, reply.status(), reply.body());
        assertTrue(reply.json().at("/error/message").asText().contains("nodes[0].base_url"), reply.body());
    }

    @Test
    void nameThatRebindsToTheMetadataAddressAfterRegistrationIsRefusedAtConnectTime() {
        int port = URI.create(node.baseUrl()).getPort();
        FakeDns.set("rebind.attacker.test", "127.0.0.1");
        Reply registered = register("rebound", "http://rebind.attacker.test:" + port + "/v1");
        assertEquals(201, registered.status(), registered.body());
        assertEquals("active", registered.json().get("status").asText());

        FakeDns.set("rebind.attacker.test", "169.254.169.254");
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "rebound", "messages": [{"role": "user", "content": "hi"}]}""");

        assertEquals(502, reply.status(), reply.body());
        // Refused at connect time; which address it resolved to is in the log, not in the caller's error.
        assertTrue(reply.json().at("/error/message").asText().contains("rebound node 0: refused"), reply.body());
        assertFalse(reply.body().contains("169.254.169.254"), reply.body());
        assertEquals(0, node.completions());
    }
}
