package dev.llmc.gateway.api;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every endpoint but health, metrics and OpenAPI needs the key; every response carries a request id. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AuthAndRequestIdIT extends EmbeddedGatewayTest {

    @Test
    void missingKeyIsUnauthorized() {
        Reply reply = http().send(http().request("/v1/models", null).GET());

        assertEquals(401, reply.status());
        assertEquals("authentication_error", reply.json().at("/error/type").asText());
        assertEquals("invalid_api_key", reply.json().at("/error/code").asText());
    }

    @Test
    void wrongKeyIsUnauthorized() {
        Reply reply = http().send(http().request("/experts", "not-the-admin-key").GET());

        assertEquals(401, reply.status());
        assertEquals("invalid API key", reply.json().at("/error/message").asText());
    }

    @Test
    void wrongKeyOnUnknownRouteIsUnauthorizedNotNotFound() {
        assertEquals(401, http().send(http().request("/secret/path", "guess").GET()).status());
    }

    @Test
    void healthNeedsNoKeyAndTellsAnonymousCallersTheStatusAlone() {
        Reply reply = http().send(http().request("/health", null).GET());

        assertEquals(200, reply.status(), reply.body());
        assertEquals("UP", reply.json().get("status").asText());
        assertTrue(reply.json().path("details").isMissingNode() || reply.json().path("details").isNull(),
                "no details for anonymous callers: " + reply.body());
        assertFalse(reply.body().contains("PostgreSQL"), reply.body());
    }

    @Test
    void anErrorBodyNamesTheRequestItAnswers() {
        Reply unauthorised = http().send(http().request("/v1/models", "wrong-key").header("X-Request-Id", "trace-err-1").GET());
        Reply unknownRoute = http().send(http().request("/no/such/route", ADMIN_KEY).header("X-Request-Id", "trace-err-2").GET());

        assertEquals(401, unauthorised.status());
        assertEquals("trace-err-1", unauthorised.json().at("/error/request_id").asText(), unauthorised.body());
        assertEquals(404, unknownRoute.status());
        assertEquals("trace-err-2", unknownRoute.json().at("/error/request_id").asText(), unknownRoute.body());
    }

    @Test
    void prometheusNeedsNoKey() {
        Reply reply = http().send(http().request("/prometheus", null).GET());

        assertEquals(200, reply.status());
        assertTrue(reply.body().contains("jvm_memory_used_bytes"), "prometheus text format expected");
    }

    @Test
    void echoesCallersRequestId() {
        Reply reply = http().send(http().request("/v1/models", ADMIN_KEY).header("X-Request-Id", "trace-123").GET());

        assertEquals("trace-123", reply.header("X-Request-Id").orElseThrow());
    }

    @Test
    void generatesRequestIdEvenOnErrors() {
        Reply reply = http().send(http().request("/v1/models", null).GET());

        assertEquals(401, reply.status());
        assertTrue(reply.header("X-Request-Id").orElse("").length() >= 16, reply.headers().toString());
    }

    @Test
    void replacesUnsafeRequestId() {
        Reply reply = http().send(http().request("/v1/models", ADMIN_KEY).header("X-Request-Id", "bad id with spaces").GET());

        assertTrue(!reply.header("X-Request-Id").orElseThrow().contains(" "));
    }
}
