package dev.llmc.gpunode.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gpunode.OpenAiHttp;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.llmc.gpunode.ErrorAssertions.assertOpenAiError;
import static dev.llmc.gpunode.OpenAiHttp.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
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

    static Stream<Arguments> invalidBodies() {
        return Stream.of(
                Arguments.of("missing input", "{}", "'input'"),
                Arguments.of("empty input array", "{\"input\":[]}", "1 to 2048"),
                Arguments.of("empty string", "{\"input\":[\"ok\",\"\"]}", "'input[1]' must not be empty"),
                Arguments.of("items that are not strings", "{\"input\":[1,2,3]}", "'input[0]' must be a string"),
                Arguments.of("more than 2048 inputs", json(Map.of("input", Collections.nCopies(2049, "x"))), "got 2049"),
                Arguments.of("unknown encoding format", "{\"input\":\"x\",\"encoding_format\":\"int8\"}", "encoding_format"),
                Arguments.of("malformed JSON", "{\"input\": \"x\"", "invalid JSON body"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void rejectsAnInvalidBodyWith400SayingWhatIsWrong(String what, String body, String messagePart) {
        String message = assertOpenAiError(http.post("/v1/embeddings", body), 400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains(messagePart), message);
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
