package dev.llmc.gpunode.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gpunode.OpenAiHttp;
import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.llmc.gpunode.ErrorAssertions.assertOpenAiError;
import static dev.llmc.gpunode.OpenAiHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
@Property(name = "llmc.replay.data-dir", value = "src/test/resources/replay/with-responses")
class ReplayExpertsIT {

    private static final String QWEN_PARIS = "The capital of France is Paris, on the Seine, home to about two million people.";

    @Inject
    EmbeddedServer server;

    private OpenAiHttp http;

    @BeforeEach
    void connect() {
        http = new OpenAiHttp(server);
    }

    @Test
    void knownPromptGetsThatModelsRecordedResponseUnderTheMappedName() {
        OpenAiHttp.Reply reply = http.post("/v1/chat/completions", request("qwen-14b-chat", "What is the capital of France?", false));

        assertEquals(200, reply.status(), reply.body()::toString);
        assertEquals("qwen-14b-chat", reply.body().path("model").asText());
        assertEquals(QWEN_PARIS, reply.body().path("choices").get(0).path("message").path("content").asText());
        assertEquals("Paris.", content(http.post("/v1/chat/completions", request("alpaca-7b", "What is the capital of France?", false))));
    }

    @Test
    void matchesWhateverTheWhitespaceAndLooksAtTheLastUserMessage() {
        String body = json(Map.of("model", "qwen-14b-chat", "messages", List.of(
                Map.of("role", "system", "content", "Be brief."),
                Map.of("role", "user", "content", "Explain recursion to a child."),
                Map.of("role", "assistant", "content", "…"),
                Map.of("role", "user", "content", "  Write a haiku\n about   autumn leaves. \t"))));

        assertEquals("Crimson leaves let go,\ndrifting on the cooling wind,\nthe year exhales slow.",
                content(http.post("/v1/chat/completions", body)));
    }

    @Test
    void unknownPromptIs404PromptNotFound() {
        String message = assertOpenAiError(http.post("/v1/chat/completions",
                request("qwen-14b-chat", "What is the capital of Spain?", false)), 404, "not_found_error", "prompt_not_found");

        assertTrue(message.contains("answers only the 3 prompts"), message);
        // A prompt that differs in more than whitespace is unknown too: the match is exact.
        assertOpenAiError(http.post("/v1/chat/completions", request("qwen-14b-chat", "what is the capital of france?", false)),
                404, "not_found_error", "prompt_not_found");
    }

    @Test
    void aPromptTheModelNeverAnsweredIs404NamingIt() {
        String message = assertOpenAiError(http.post("/v1/chat/completions",
                request("alpaca-7b", "Explain recursion to a child.", false)), 404, "not_found_error", "prompt_not_found");

        assertTrue(message.contains("no recorded response for prompt p3"), message);
    }

    @Test
    void streamsTheRecordedResponseWithUsageAndDone() {
        String body = json(Map.of("model", "qwen-14b-chat", "stream", true, "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", "What is the capital of France?"))));

        OpenAiHttp.Stream stream = http.postStream("/v1/chat/completions", body);

        assertEquals(200, stream.status());
        assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
        List<String> data = stream.data();
        assertEquals("[DONE]", data.getLast());
        List<JsonNode> chunks = new ArrayList<>();
        data.subList(0, data.size() - 1).forEach(chunk -> chunks.add(OpenAiHttp.parse(chunk)));
        assertEquals("assistant", chunks.getFirst().path("choices").get(0).path("delta").path("role").asText());
        StringBuilder text = new StringBuilder();
        for (JsonNode chunk : chunks) {
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            assertEquals("qwen-14b-chat", chunk.path("model").asText());
            chunk.path("choices").forEach(choice -> text.append(choice.path("delta").path("content").asText("")));
        }
        assertEquals(QWEN_PARIS, text.toString());
        assertEquals("stop", chunks.get(chunks.size() - 2).path("choices").get(0).path("finish_reason").asText());
        JsonNode usage = chunks.getLast();
        assertEquals(0, usage.path("choices").size());
        assertTrue(usage.path("usage").path("completion_tokens").asInt() > 10, usage::toString);
    }

    @Test
    void streamsWithoutUsageUnlessAsked() {
        String body = json(Map.of("model", "alpaca-7b", "stream", true,
                "messages", List.of(Map.of("role", "user", "content", "What is the capital of France?"))));

        List<String> data = http.postStream("/v1/chat/completions", body).data();

        assertEquals("[DONE]", data.getLast());
        JsonNode last = OpenAiHttp.parse(data.get(data.size() - 2));
        assertEquals("stop", last.path("choices").get(0).path("finish_reason").asText());
        assertTrue(last.path("usage").isMissingNode(), last::toString);
    }

    @Test
    void modelsListsTheReplayExpertsAndAnUnknownModelIs404ListingThem() {
        JsonNode models = http.get("/v1/models").body().path("data");
        List<String> replayed = new ArrayList<>();
        models.forEach(model -> {
            if (model.path("owned_by").asText().equals("llmc-replay")) {
                replayed.add(model.path("id").asText());
            }
        });
        assertEquals(List.of("qwen-14b-chat", "alpaca-7b"), replayed);

        String message = assertOpenAiError(http.post("/v1/chat/completions", request("Qwen-14B-Chat", "What is the capital of France?", false)),
                404, "not_found_error", "model_not_found");
        assertTrue(message.contains("qwen-14b-chat, alpaca-7b"), message);
    }

    private static String request(String model, String prompt, boolean stream) {
        return json(Map.of("model", model, "stream", stream, "messages", List.of(Map.of("role", "user", "content", prompt))));
    }

    private static String content(OpenAiHttp.Reply reply) {
        assertEquals(200, reply.status(), reply.body()::toString);
        return reply.body().path("choices").get(0).path("message").path("content").asText();
    }
}
