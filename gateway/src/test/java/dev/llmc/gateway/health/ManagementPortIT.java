package dev.llmc.gateway.health;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code llmc.management.port} set, health and metrics answer on that port only, and the API on the main port
 * only: a Service or Ingress routing the main port exposes no management endpoint, and the management port (for probes
 * and Prometheus) serves no chat.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ManagementPortIT extends EmbeddedGatewayTest {
    private static final List<String> MANAGEMENT_PATHS = List.of("/health", "/health/liveness", "/health/readiness", "/prometheus");
    private final int managementPort = freePort();
    private final FakeExpertNode cooking = fakeNode("cooking");

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.management.port", String.valueOf(managementPort));
    }

    @BeforeAll
    void registerExpert() {
        http().registerExpert("cooking", "Cooking, recipes and baking questions.", cooking.baseUrl());
    }

    private GatewayHttp management() {
        return new GatewayHttp(URI.create("http://127.0.0.1:" + managementPort), null);
    }

    @Test
    void healthAndMetricsAnswerOnTheManagementPortWithoutAKey() {
        assertNotEquals(managementPort, server.getPort());
        for (String path : MANAGEMENT_PATHS) {
            Reply reply = management().get(path);
            assertEquals(200, reply.status(), path + ": " + reply.body());
        }
        assertEquals("UP", management().get("/health/readiness").json().get("status").asText());
        assertTrue(management().get("/prometheus").body().contains("jvm_memory_used_bytes"), "Prometheus text format expected");
    }

    @Test
    void theMainPortHasNoManagementEndpoint() {
        for (String path : MANAGEMENT_PATHS) {
            Reply anonymous = http().send(http().request(path, null).GET());
            Reply admin = http().get(path);
            assertEquals(404, anonymous.status(), path + ": " + anonymous.body());
            assertEquals("not_found_error", anonymous.json().at("/error/type").asText(), anonymous.body());
            assertEquals(404, admin.status(), path + ": " + admin.body());
        }
    }

    @Test
    void chatIsServedOnTheMainPortAndNotOnTheManagementPort() {
        String turn = """
                {"user_id": "u-m", "conversation_id": "m-1",
                 "messages": [{"role": "user", "content": "How long should I knead bread dough?"}]}""";
        Reply chat = http().post("/chat", turn);
        Reply onManagement = new GatewayHttp(URI.create("http://127.0.0.1:" + managementPort), ADMIN_KEY).post("/chat", turn);

        assertEquals(200, chat.status(), chat.body());
        assertEquals("cooking", chat.json().get("expert").asText());
        assertEquals(cooking.reply(), chat.json().get("reply").asText());
        assertEquals(404, onManagement.status(), onManagement.body());
        assertEquals(1, cooking.requests().size(), "the management port's request never reached the node");
    }

    @Test
    void adminHealthDetailsStayOnTheMainPortBehindTheAdminKey() {
        Reply admin = http().get("/admin/health");

        assertEquals(200, admin.status(), admin.body());
        assertTrue(admin.json().at("/checks/postgresql/details/reachable").asBoolean(), admin.body());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
