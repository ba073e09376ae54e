package dev.llmc.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every string a caller sends that PostgreSQL cannot store (U+0000) or that is not text (an unpaired surrogate) is a
 * 400 naming the field in {@code param}, on every endpoint that stores strings: never a 500, never a 503.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UnstorableTextIT extends EmbeddedGatewayTest {
    // As JSON escapes in the body: the raw bytes would not be JSON (NUL) or not UTF-8 (a lone surrogate).
    private static final List<String> UNSTORABLE = List.of("\\u0000", "\\ud800", "\\udfff");
    private static final String HI = "[{\"role\": \"user\", \"content\": \"hi\"}]";

    /** Endpoint, body with {@code %s} where the bad text goes, and the field the error must name. */
    private static final List<List<String>> BODIES = List.of(
            List.of("/chat", "{\"user_id\": \"u%s\", \"conversation_id\": \"c\", \"messages\": " + HI + "}", "user_id"),
            List.of("/chat", "{\"user_id\": \"u\", \"conversation_id\": \"c%s\", \"messages\": " + HI + "}", "conversation_id"),
            List.of("/chat", "{\"user_id\": \"u\", \"conversation_id\": \"c\", \"messages\": [{\"role\": \"user\", \"content\": \"x%s\"}]}",
                    "messages[0].content"),
            List.of("/chat", "{\"user_id\": \"u\", \"conversation_id\": \"c\", \"messages\": [{\"role\": \"user\", \"content\": "
                    + "[{\"type\": \"text\", \"text\": \"x%s\"}]}]}", "messages[0].content[0].text"),
            List.of("/v1/chat/completions", "{\"model\": \"auto\", \"user\": \"u%s\", \"messages\": " + HI + "}", "user"),
            List.of("/v1/chat/completions", "{\"model\": \"auto\", \"metadata\": {\"conversation_id\": \"c%s\"}, \"messages\": " + HI + "}",
                    "metadata.conversation_id"),
            List.of("/experts", "{\"name\": \"n%s\", \"description\": \"d\", \"nodes\": [{\"base_url\": \"http://node.example:8000/v1\"}]}",
                    "name"),
            List.of("/experts", "{\"name\": \"n\", \"description\": \"d%s\", \"nodes\": [{\"base_url\": \"http://node.example:8000/v1\"}]}",
                    "description"),
            List.of("/experiments", "{\"name\": \"e%s\", \"unit\": \"user\", \"arms\": [{\"name\": \"a\", \"weight\": 1, \"control\": true, "
                    + "\"expert\": \"general\"}, {\"name\": \"b\", \"weight\": 1, \"expert\": \"other\"}]}", "name"),
            List.of("/feedback", "{\"message_id\": \"m%s\", \"type\": \"retry\"}", "message_id"),
            List.of("/keys", "{\"role\": \"app\", \"owner\": \"o%s\"}", "owner"));

    static Stream<Arguments> unstorableBodies() {
        return BODIES.stream().flatMap(c -> UNSTORABLE.stream().map(bad -> Arguments.of(c.get(0), c.get(2), bad, c.get(1))));
    }

    private static void assertRefused(Reply reply, String param) {
        assertEquals(400, reply.status(), reply.body());
        JsonNode error = reply.json().get("error");
        assertEquals("invalid_request_error", error.get("type").asText(), reply.body());
        assertEquals("invalid_string", error.get("code").asText(), reply.body());
        assertEquals(param, error.get("param").asText(), reply.body());
        assertFalse(reply.body().contains("Exception"), reply.body());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("unstorableBodies")
    void unstorableStringInABodyIsRefusedNamingTheField(String path, String param, String bad, String body) {
        assertRefused(http().post(path, body.formatted(bad)), param);
    }

    @Test
    void unstorableFieldNameIsRefused() {
        Reply reply = http().post("/v1/chat/completions", "{\"model\": \"auto\", \"metadata\": {\"k\\u0000\": \"v\"}, \"messages\": " + HI + "}");
        assertRefused(reply, "metadata.k\\u0000");
    }

    @Test
    void unstorableStringInAPatchIsRefused() {
        assertRefused(http().patch("/experts/some-id", "{\"description\": \"d\\ud800\"}"), "description");
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/experts/x%00y", "/experiments/x%00y", "/experiments/x%00y/results",
            "/controller/versions/x%00y/offline-estimate"})
    void unstorablePathVariableIsRefused(String path) {
        assertRefused(http().get(path), "id");
    }

    @Test
    void unstorableKeyIdIsRefused() {
        assertRefused(http().delete("/keys/x%00y"), "id");
    }

    @Test
    void unstorableQueryParameterIsRefused() {
        assertRefused(http().get("/experts?owner=a%00b"), "owner");
    }

    @Test
    void pairedSurrogatesAreText() {
        Reply reply = http().post("/feedback", "{\"message_id\": \"m\\ud83d\\ude00\", \"type\": \"retry\"}");
        assertEquals(404, reply.status(), reply.body());
    }
}
