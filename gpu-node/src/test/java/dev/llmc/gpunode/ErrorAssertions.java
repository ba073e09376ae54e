package dev.llmc.gpunode;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks that an error reply has the OpenAI shape {@code {"error":{"message","type","param","code"}}} and no internals. */
public final class ErrorAssertions {

    private ErrorAssertions() {
    }

    /** Asserts status, type and code, and returns the error message for further checks. */
    public static String assertOpenAiError(OpenAiHttp.Reply reply, int status, String type, String code) {
        assertEquals(status, reply.status(), () -> "body: " + reply.body());
        JsonNode error = reply.body().path("error");
        assertEquals(type, error.path("type").asText(), () -> "body: " + reply.body());
        assertEquals(code, error.path("code").asText(), () -> "body: " + reply.body());
        assertTrue(error.has("param"), () -> "param missing (null when no field is at fault): " + reply.body());
        String message = error.path("message").asText();
        assertFalse(message.isBlank(), "error message is empty");
        assertFalse(message.contains("[Source:"), () -> "Jackson location leaked: " + message);
        assertFalse(message.contains("Exception"), () -> "exception class leaked: " + message);
        assertTrue(reply.body().size() == 1, () -> "unexpected top-level fields: " + reply.body());
        return message;
    }
}
