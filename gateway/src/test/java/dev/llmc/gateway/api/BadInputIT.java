package dev.llmc.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The caller's mistakes get a 4xx with an OpenAI-shaped body that names the problem, never a 500. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BadInputIT extends EmbeddedGatewayTest {
    private static final int BODY_LIMIT = 8192;
    private final FakeExpertNode node = fakeNode("general");

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.max-request-bytes", String.valueOf(BODY_LIMIT));
    }

    @BeforeAll
    void registerExpert() {
        http().registerExpert("general", "General knowledge assistant.", node.baseUrl());
    }

    private static void assertError(Reply reply, int status, String type, String messagePart) {
        assertEquals(status, reply.status(), reply.body());
        JsonNode error = reply.json().get("error");
        assertEquals(type, error.get("type").asText(), reply.body());
        assertTrue(error.get("message").asText().contains(messagePart),
                "message '" + error.get("message").asText() + "' should contain '" + messagePart + "'");
        assertFalse(error.get("code").asText().isBlank());
        assertFalse(reply.body().contains("at dev.llmc") || reply.body().contains("Exception"), reply.body());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON           | {"user_id": "u", "conversation_id": |malformed JSON
            not an object            | [1, 2]                                                   |JSON object
            missing messages         | {"user_id": "u", "conversation_id": "c"}                 |'messages' is required
            empty messages           | {"user_id": "u", "conversation_id": "c", "messages": []} |must not be empty
            messages not an array    | {"user_id": "u", "conversation_id": "c", "messages": "hi"} |must be an array
            unknown role             | {"user_id": "u", "conversation_id": "c", "messages": [{"role": "wizard", "content": "hi"}]} |'wizard' is not one of
            numeric content          | {"user_id": "u", "conversation_id": "c", "messages": [{"role": "user", "content": 42}]} |messages[0].content must be a string or an array of text parts
            image part               | {"user_id": "u", "conversation_id": "c", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]} |messages[0].content[0]
            missing content          | {"user_id": "u", "conversation_id": "c", "messages": [{"role": "user"}]} |messages[0].content is required
            last message not user    | {"user_id": "u", "conversation_id": "c", "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]} |last message must have role 'user'
            missing user_id          | {"conversation_id": "c", "messages": [{"role": "user", "content": "hi"}]} |'user_id' is required
            missing conversation_id  | {"user_id": "u", "messages": [{"role": "user", "content": "hi"}]} |'conversation_id' is required
            unknown field            | {"user_id": "u", "conversation_id": "c", "temperature": 1, "messages": [{"role": "user", "content": "hi"}]} |unknown field 'temperature'
            user_id wrong type       | {"user_id": 5, "conversation_id": "c", "messages": [{"role": "user", "content": "hi"}]} |field 'user_id' must be a string
            """)
    void chatRejectsBadBody(String caseName, String body, String messagePart) {
        assertError(http().post("/chat", body), 400, "invalid_request_error", messagePart);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON      | {"model": "auto", "messages": [               |malformed JSON
            missing model       | {"messages": [{"role": "user", "content": "hi"}]} |'model' is required
            empty messages      | {"model": "auto", "messages": []}              |must not be empty
            unknown role        | {"model": "auto", "messages": [{"role": "robot", "content": "hi"}]} |'robot' is not one of
            object content      | {"model": "auto", "messages": [{"role": "user", "content": {"text": "hi"}}]} |must be a string or an array of text parts
            metadata not object | {"model": "auto", "metadata": "c1", "messages": [{"role": "user", "content": "hi"}]} |'metadata' must be an object
            """)
    void chatCompletionsRejectsBadBody(String caseName, String body, String messagePart) {
        assertError(http().post("/v1/chat/completions", body), 400, "invalid_request_error", messagePart);
    }

    @Test
    void bodyOverLimitIsTooLarge() {
        String big = "x".repeat(BODY_LIMIT * 2);
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "auto", "messages": [{"role": "user", "content": "%s"}]}""".formatted(big));

        assertEquals(413, reply.status(), reply.body());
        assertEquals("request_too_large", reply.json().at("/error/type").asText());
    }

    @Test
    void pinningUnknownExpertIsNotFound() {
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "no-such-expert", "messages": [{"role": "user", "content": "hi"}]}""");

        assertError(reply, 404, "not_found_error", "no-such-expert");
        assertEquals("model_not_found", reply.json().at("/error/code").asText());
    }

    @Test
    void unknownRouteIsNotFoundInOpenAiShape() {
        assertError(http().get("/v2/nothing"), 404, "not_found_error", "Not Found");
    }

    @Test
    void wrongMethodIsRejectedInOpenAiShape() {
        Reply reply = http().delete("/v1/models");

        assertEquals(405, reply.status(), reply.body());
        assertEquals("invalid_request_error", reply.json().at("/error/type").asText());
    }

    @Test
    void emptyBodyIsRejected() {
        assertError(http().post("/chat", ""), 400, "invalid_request_error", "empty");
    }
}
