package dev.llmc.gpunode.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gpunode.OpenAiHttp;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.llmc.gpunode.ErrorAssertions.assertOpenAiError;
import static dev.llmc.gpunode.OpenAiHttp.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
class EmbeddingsIT {

    @Inject
    EmbeddedServer server;

    private OpenAiHttp http;

    @BeforeEach
    void connect() {
        http = new OpenAiHttp(server);
    }

    @Test
    void embedsASingleStringAsOneUnitVectorOf384Floats() {
        OpenAiHttp.Reply reply = http.post("/v1/embeddings", json(Map.of("input", "How do I bake bread?")));

        assertEquals(200, reply.status(), reply.body()::toString);
        assertEquals("list", reply.body().path("object").asText());
        assertEquals("all-minilm-l6-v2", reply.body().path("model").asText());
        JsonNode item = reply.body().path("data").get(0);
        assertEquals("embedding", item.path("object").asText());
        assertEquals(0, item.path("index").asInt());
        float[] vector = floats(item.path("embedding"));
        assertEquals(384, vector.length);
        assertEquals(1.0, norm(vector), 1e-4);
    }

    @Test
    void embedsEachStringOfAListInOrder() {
        List<String> texts = List.of("How do I bake bread?", "git merge conflict", "I feel lonely");
        JsonNode body = http.post("/v1/embeddings", json(Map.of("input", texts))).body();

        JsonNode data = body.path("data");
        assertEquals(3, data.size());
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(i, data.get(i).path("index").asInt());
            float[] single = floats(http.post("/v1/embeddings", json(Map.of("input", texts.get(i))))
                    .body().path("data").get(0).path("embedding"));
            assertEquals(1.0, dot(single, floats(data.get(i).path("embedding"))), 1e-4);
        }
    }

    @Test
    void reportsTokenUsage() {
        JsonNode usage = http.post("/v1/embeddings", json(Map.of("input", List.of("one two three", "four five"))))
                .body().path("usage");

        assertEquals(5, usage.path("prompt_tokens").asInt());
        assertEquals(5, usage.path("total_tokens").asInt());
    }

    @Test
    void base64EncodingDecodesToTheSameLittleEndianFloats() {
        String text = "Use base64 like the OpenAI Node client";
        float[] expected = floats(http.post("/v1/embeddings", json(Map.of("input", text)))
                .body().path("data").get(0).path("embedding"));

        JsonNode encoded = http.post("/v1/embeddings", json(Map.of("input", text, "encoding_format", "base64")))
                .body().path("data").get(0).path("embedding");

        assertTrue(encoded.isTextual(), encoded::toString);
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded.asText())).order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(decoded);
        // The JSON floats went through a decimal representation; the tolerance only covers that rounding.
        assertArrayEquals(expected, decoded, 1e-7f);
    }

    @Test
    void ignoresModelAndUserFields() {
        OpenAiHttp.Reply reply = http.post("/v1/embeddings",
                json(Map.of("input", "hello", "model", "text-embedding-3-small", "user", "u-1")));

        assertEquals(200, reply.status(), reply.body()::toString);
    }

    @Test
    void rejectsMissingInput() {
        String message = assertOpenAiError(http.post("/v1/embeddings", "{}"), 400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains("'input'"), message);
    }

    @Test
    void rejectsAnEmptyInputArray() {
        String message = assertOpenAiError(http.post("/v1/embeddings", "{\"input\":[]}"),
                400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains("1 to 2048"), message);
    }

    @Test
    void rejectsAnEmptyString() {
        String message = assertOpenAiError(http.post("/v1/embeddings", "{\"input\":[\"ok\",\"\"]}"),
                400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains("'input[1]' must not be empty"), message);
    }

    @Test
    void rejectsItemsThatAreNotStrings() {
        String message = assertOpenAiError(http.post("/v1/embeddings", "{\"input\":[1,2,3]}"),
                400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains("'input[0]' must be a string"), message);
    }

    @Test
    void rejectsMoreThan2048Inputs() {
        String message = assertOpenAiError(http.post("/v1/embeddings", json(Map.of("input", Collections.nCopies(2049, "x")))),
                400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains("got 2049"), message);
    }

    @Test
    void rejectsAnUnknownEncodingFormat() {
        String message = assertOpenAiError(http.post("/v1/embeddings", "{\"input\":\"x\",\"encoding_format\":\"int8\"}"),
                400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains("encoding_format"), message);
    }

    @Test
    void rejectsMalformedJson() {
        String message = assertOpenAiError(http.post("/v1/embeddings", "{\"input\": \"x\""),
                400, "invalid_request_error", "invalid_request");

        assertTrue(message.startsWith("invalid JSON body"), message);
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).floatValue();
        }
        return values;
    }

    private static double norm(float[] v) {
        return Math.sqrt(dot(v, v));
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
