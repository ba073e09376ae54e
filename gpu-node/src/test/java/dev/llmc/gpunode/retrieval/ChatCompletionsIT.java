package dev.llmc.gpunode.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gpunode.OpenAiHttp;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.llmc.gpunode.ErrorAssertions.assertOpenAiError;
import static dev.llmc.gpunode.OpenAiHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChatCompletionsIT {

    private static final String PASTA_SALT_RESPONSE = "About 10 g of salt per litre of water, roughly a level tablespoon for a big pot,"
            + " is a good starting point. The water should taste pleasantly seasoned, like a mild broth, since this is the only"
            + " chance to season the pasta itself.";
    private static final String DENSE_BREAD_RESPONSE = "Dense bread usually means the dough was under-proofed, the flour was too"
            + " low in protein, or it was not kneaded enough to build gluten. Let it rise until it has roughly doubled and springs"
            + " back slowly when poked, and use bread flour if you can.";

    @Inject
    EmbeddedServer server;

    private OpenAiHttp http;

    @BeforeEach
    void connect() {
        http = new OpenAiHttp(server);
    }

    @Test
    void answersWithTheResponseOfTheNearestStoredPrompt() {
        OpenAiHttp.Reply reply = chat("cooking", List.of(user("How much salt do I need to add to the water when boiling pasta?")));

        assertEquals(200, reply.status(), reply.body()::toString);
        assertEquals(PASTA_SALT_RESPONSE, content(reply));
    }

    @Test
    void repliesInOpenAiChatCompletionShape() {
        JsonNode body = chat("cooking", List.of(user("Why does my bread come out dense and heavy?"))).body();

        assertTrue(body.path("id").asText().startsWith("chatcmpl-"), body::toString);
        assertEquals("chat.completion", body.path("object").asText());
        assertTrue(body.path("created").asLong() > 1_700_000_000L, body::toString);
        assertEquals("cooking", body.path("model").asText());
        JsonNode choice = body.path("choices").get(0);
        assertEquals(0, choice.path("index").asInt());
        assertEquals("assistant", choice.path("message").path("role").asText());
        assertEquals(DENSE_BREAD_RESPONSE, choice.path("message").path("content").asText());
        assertEquals("stop", choice.path("finish_reason").asText());
    }

    @Test
    void countsUsageWithTheEncoderTokenizer() {
        JsonNode usage = chat("cooking", List.of(user("Why does my bread come out dense and heavy?"))).body().path("usage");

        assertTrue(usage.path("prompt_tokens").asInt() > 0, usage::toString);
        assertTrue(usage.path("completion_tokens").asInt() > 0, usage::toString);
        assertEquals(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt(),
                usage.path("total_tokens").asInt());
    }

    @Test
    void acceptsContentAsAnArrayOfTextParts() {
        Map<String, Object> message = Map.of("role", "user", "content", List.of(
                Map.of("type", "text", "text", "How much salt do I need to add"),
                Map.of("type", "text", "text", "to the water when boiling pasta?")));

        OpenAiHttp.Reply reply = chat("cooking", List.of(message));

        assertEquals(200, reply.status(), reply.body()::toString);
        assertEquals(PASTA_SALT_RESPONSE, content(reply));
    }

    @Test
    void encodesTheWholeConversationWithSystemPromptAndHistory() {
        OpenAiHttp.Reply reply = chat("cooking", List.of(
                Map.of("role", "system", "content", "You are a helpful cook."),
                user("I want to make spaghetti tonight."),
                Map.of("role", "assistant", "content", "Great choice! What would you like to know?"),
                user("How much salt should go in the pasta water?")));

        assertEquals(PASTA_SALT_RESPONSE, content(reply));
    }

    @Test
    void answersFromTheCorpusNamedByModel() {
        OpenAiHttp.Reply reply = chat("programming", List.of(user("How can I undo the last commit I made in git?")));

        assertTrue(content(reply).startsWith("If you have not pushed yet, git reset --soft HEAD~1"), content(reply));
    }

    @Test
    void ignoresOpenAiParametersItDoesNotUse() {
        String body = """
                {"model":"cooking","messages":[{"role":"user","content":"How do I poach an egg?","name":"sam"}],
                 "temperature":0.2,"max_tokens":100,"top_p":1,"stop":["\\n"],"seed":7,"stream":false,"user":"u-1"}""";

        OpenAiHttp.Reply reply = http.post("/v1/chat/completions", body);

        assertEquals(200, reply.status(), reply.body()::toString);
    }

    @Test
    void unknownModelIs404ModelNotFoundListingAvailableModels() {
        String message = assertOpenAiError(chat("gardening", List.of(user("hi"))), 404, "not_found_error", "model_not_found");

        assertTrue(message.contains("'gardening'"), message);
        assertTrue(message.contains("cooking, emotional-support, programming"), message);
    }

    @Test
    void malformedJsonIs400() {
        String message = assertOpenAiError(http.post("/v1/chat/completions", "{\"model\":\"cooking\",\"messages\":[}"),
                400, "invalid_request_error", "invalid_request");

        assertTrue(message.startsWith("invalid JSON body"), message);
    }

    @Test
    void wrongTypeOfAKnownFieldIs400NamingTheField() {
        String message = assertOpenAiError(http.post("/v1/chat/completions",
                        "{\"model\":\"cooking\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}"),
                400, "invalid_request_error", "invalid_request");

        assertEquals("invalid value for 'stream': expected true or false", message);
    }

    @Test
    void missingMessagesIs400() {
        String message = assertOpenAiError(http.post("/v1/chat/completions", "{\"model\":\"cooking\"}"),
                400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains("'messages' is required"), message);
    }

    @Test
    void emptyMessagesIs400() {
        String message = assertOpenAiError(chat("cooking", List.of()), 400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains("'messages' must be a non-empty array"), message);
    }

    @Test
    void missingModelIs400() {
        String message = assertOpenAiError(http.post("/v1/chat/completions", json(Map.of("messages", List.of(user("hi"))))),
                400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains("'model' is required"), message);
    }

    @Test
    void unknownRoleIs400() {
        String message = assertOpenAiError(chat("cooking", List.of(Map.of("role", "narrator", "content", "hi"))),
                400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains("'messages[0].role'"), message);
    }

    @Test
    void contentOfTheWrongTypeIs400() {
        String message = assertOpenAiError(chat("cooking", List.of(Map.of("role", "user", "content", 42))),
                400, "invalid_request_error", "invalid_request");

        assertTrue(message.contains("'messages[0].content'"), message);
    }

    @Test
    void streamsTheSameReplyAsOpenAiChunksEndingInDone() {
        List<Map<String, Object>> messages = List.of(user("How much salt goes in pasta water?"));
        String whole = content(chat("cooking", messages));

        OpenAiHttp.Stream stream = http.postStream("/v1/chat/completions",
                json(Map.of("model", "cooking", "stream", true, "messages", messages)));

        assertEquals(200, stream.status());
        assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
        assertEquals("[DONE]", stream.data().getLast());
        List<JsonNode> chunks = stream.data().subList(0, stream.data().size() - 1).stream().map(OpenAiHttp::parse).toList();
        assertTrue(chunks.size() > 3, "the content comes in several chunks: " + chunks.size());
        assertEquals("assistant", chunks.getFirst().at("/choices/0/delta/role").asText());
        StringBuilder streamed = new StringBuilder();
        for (JsonNode chunk : chunks) {
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            assertEquals("cooking", chunk.get("model").asText());
            assertEquals(chunks.getFirst().get("id"), chunk.get("id"));
            streamed.append(chunk.at("/choices/0/delta/content").asText(""));
        }
        assertEquals(whole, streamed.toString());
        assertEquals("stop", chunks.getLast().at("/choices/0/finish_reason").asText());
        assertTrue(chunks.stream().noneMatch(chunk -> chunk.has("usage")), "no usage chunk unless asked for");
    }

    @Test
    void aStreamingCallerWhoAsksForUsageGetsItInALastChunkWithoutChoices() {
        OpenAiHttp.Stream stream = http.postStream("/v1/chat/completions", json(Map.of("model", "cooking", "stream", true,
                "stream_options", Map.of("include_usage", true), "messages", List.of(user("How much salt goes in pasta water?")))));

        JsonNode usage = OpenAiHttp.parse(stream.data().get(stream.data().size() - 2));
        assertEquals(0, usage.get("choices").size());
        assertTrue(usage.at("/usage/prompt_tokens").asInt() > 0);
        assertTrue(usage.at("/usage/completion_tokens").asInt() > 0);
        assertEquals(usage.at("/usage/prompt_tokens").asInt() + usage.at("/usage/completion_tokens").asInt(),
                usage.at("/usage/total_tokens").asInt());
        assertEquals("[DONE]", stream.data().getLast());
    }

    private OpenAiHttp.Reply chat(String model, List<Map<String, Object>> messages) {
        return http.post("/v1/chat/completions", json(Map.of("model", model, "messages", messages)));
    }

    private static Map<String, Object> user(String content) {
        return Map.of("role", "user", "content", content);
    }

    private static String content(OpenAiHttp.Reply reply) {
        return reply.body().path("choices").path(0).path("message").path("content").asText();
    }
}
