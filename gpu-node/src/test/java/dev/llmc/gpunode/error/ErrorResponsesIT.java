package dev.llmc.gpunode.error;

import dev.llmc.gpunode.OpenAiHttp;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.util.concurrent.TimeUnit;

import static dev.llmc.gpunode.ErrorAssertions.assertOpenAiError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ErrorResponsesIT {

    @Inject
    EmbeddedServer server;

    private OpenAiHttp http;

    @BeforeEach
    void connect() {
        http = new OpenAiHttp(server);
    }

    @Test
    void unknownPathIs404InOpenAiShape() {
        String message = assertOpenAiError(http.get("/v1/nothing-here"), 404, "not_found_error", "not_found");

        assertTrue(message.contains("/v1/nothing-here"), message);
    }

    @Test
    void wrongMethodIs405InOpenAiShape() {
        assertOpenAiError(http.get("/v1/embeddings"), 405, "invalid_request_error", "method_not_allowed");
    }

    @Test
    void unsupportedContentTypeIs415InOpenAiShape() {
        assertOpenAiError(http.send(HttpRequest.newBuilder(server.getURI().resolve("/v1/embeddings"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("hello"))
                        .build()),
                415, "invalid_request_error", "unsupported_media_type");
    }

    @Test
    void bodyThatIsNotAJsonObjectIs400() {
        String message = assertOpenAiError(http.post("/v1/chat/completions", "[1, 2]"), 400, "invalid_request_error", "invalid_request");

        assertEquals("the request body must be a JSON object", message);
    }

    @Test
    void missingBodyIs400InOpenAiShape() {
        assertOpenAiError(http.send(HttpRequest.newBuilder(server.getURI().resolve("/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build()),
                400, "invalid_request_error", "invalid_request");
    }
}
