package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conversations reach the expert whose description matches them, through both chat APIs. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RoutingIT extends EmbeddedGatewayTest {
    static final String RECIPE = "What is a good recipe for a chocolate cake? How long should it bake in the oven?";
    static final String COOKING = "Cooking expert: recipes, ingredients, baking bread and cakes, kitchen techniques, "
            + "meal planning, sauces, pasta, seasoning and how long to cook food.";
    static final String PROGRAMMING = "Programming expert: debugging code, stack traces and exceptions, Java, Python, "
            + "JavaScript, SQL queries, git, compilers and software design.";
    static final String EMOTIONAL = "Emotional support companion: listening to feelings, stress, anxiety, loneliness, "
            + "grief and sadness, relationships, encouragement and self-care.";

    private final FakeExpertNode cooking = fakeNode("cooking");
    private final FakeExpertNode programming = fakeNode("programming");
    private final FakeExpertNode emotional = fakeNode("emotional-support");

    @BeforeAll
    void registerExperts() {
        http().registerExpert("cooking", COOKING, cooking.baseUrl());
        http().registerExpert("programming", PROGRAMMING, programming.baseUrl());
        http().registerExpert("emotional-support", EMOTIONAL, emotional.baseUrl());
    }

    private Reply chat(String conversationId, String... userAndAssistantTurns) {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < userAndAssistantTurns.length; i++) {
            messages.add("{\"role\": \"%s\", \"content\": %s}".formatted(i % 2 == 0 ? "user" : "assistant",
                    quote(userAndAssistantTurns[i])));
        }
        return http().post("/chat", """
                {"user_id": "u1", "conversation_id": "%s", "messages": [%s]}""".formatted(conversationId, String.join(",", messages)));
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    @Test
    void routesRecipeConversationToCookingThroughChat() {
        Reply reply = chat("c-recipe", "What is a good recipe for a chocolate cake? How long should it bake in the oven?");

        assertEquals(200, reply.status(), reply.body());
        JsonNode body = reply.json();
        assertEquals("cooking", body.get("expert").asText());
        assertEquals(cooking.reply(), body.get("reply").asText());
        assertEquals("c-recipe", body.get("conversation_id").asText());
        assertTrue(body.get("message_id").asText().startsWith("msg_"));
    }

    @Test
    void routesStackTraceConversationToProgrammingThroughChat() {
        Reply reply = chat("c-trace", """
                My Java service crashes with this stack trace:
                Exception in thread "main" java.lang.NullPointerException
                    at com.example.OrderService.total(OrderService.java:42)
                    at com.example.Main.main(Main.java:10)
                What is wrong?""");

        assertEquals(200, reply.status(), reply.body());
        assertEquals("programming", reply.json().get("expert").asText());
        assertEquals(programming.reply(), reply.json().get("reply").asText());
    }

    @Test
    void routesOnTheLatestTurnsWhenTheConversationExceedsTheTokenLimit() {
        String grief = "I feel so lonely and sad since my dog died last month. "
                + "I cry every evening, I miss him terribly and my friends do not understand my grief. ".repeat(6);
        Reply reply = chat("c-multi",
                grief,
                "I'm so sorry for your loss. Grief like this is heavy, and it makes sense that you miss him. ".repeat(8),
                "Thanks. Anyway, how do I fix 'git push rejected: non-fast-forward' on my feature branch?");

        assertEquals("programming", reply.json().get("expert").asText(), reply.body());
    }

    @Test
    void routesRecipeToCookingThroughOpenAiEndpointWithItsOwnIdAndModel() {
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "auto", "messages": [{"role": "user", "content": "How do I make fresh pasta dough with eggs and flour?"}]}""");

        assertEquals(200, reply.status(), reply.body());
        JsonNode body = reply.json();
        assertEquals("cooking", body.get("model").asText());
        assertTrue(body.get("id").asText().startsWith("msg_"), body.get("id").asText());
        assertEquals(cooking.reply(), body.at("/choices/0/message/content").asText());
        assertEquals(14, body.at("/usage/total_tokens").asInt());
        assertTrue(reply.header("X-Conversation-Id").orElse("").startsWith("conv_"));
    }

    @Test
    void routesStackTraceToProgrammingThroughOpenAiEndpoint() {
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "auto", "messages": [{"role": "user", "content": [{"type": "text", "text": "Traceback (most recent call last): File app.py line 3, KeyError: 'id'. How do I fix this Python error?"}]}]}""");

        assertEquals(200, reply.status(), reply.body());
        assertEquals("programming", reply.json().get("model").asText());
    }

    @Test
    void pinnedExpertAnswersRegardlessOfScore() {
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "emotional-support", "messages": [{"role": "user", "content": "Give me a recipe for banana bread."}]}""");

        assertEquals(200, reply.status(), reply.body());
        assertEquals("emotional-support", reply.json().get("model").asText());
        assertEquals(emotional.reply(), reply.json().at("/choices/0/message/content").asText());
    }

    @Test
    void passesOpenAiParametersThroughAndSendsTheNodesModelName() {
        int before = cooking.requests().size();
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "cooking", "temperature": 0.2, "max_tokens": 50, "seed": 7,
                 "metadata": {"conversation_id": "conv-42"},
                 "messages": [{"role": "user", "content": "How long do I boil an egg?"}]}""");

        assertEquals(200, reply.status(), reply.body());
        assertEquals("conv-42", reply.header("X-Conversation-Id").orElseThrow());
        JsonNode forwarded = cooking.requests().get(before);
        assertEquals("cooking", forwarded.get("model").asText());
        assertEquals(0.2, forwarded.get("temperature").asDouble());
        assertEquals(50, forwarded.get("max_tokens").asInt());
        assertEquals(7, forwarded.get("seed").asInt());
        assertFalse(forwarded.has("metadata"));
        assertEquals("How long do I boil an egg?", forwarded.at("/messages/0/content").asText());
    }

    @Test
    void listsAutoAndActiveExpertsAsModels() {
        Reply reply = http().get("/v1/models");

        assertEquals(200, reply.status(), reply.body());
        List<String> ids = new ArrayList<>();
        reply.json().get("data").forEach(model -> ids.add(model.get("id").asText()));
        assertEquals(List.of("auto", "cooking", "programming", "emotional-support"), ids);
        assertEquals("list", reply.json().get("object").asText());
    }
}
