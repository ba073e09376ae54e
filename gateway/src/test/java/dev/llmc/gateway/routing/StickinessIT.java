package dev.llmc.gateway.routing;

import dev.llmc.gateway.storage.EmbeddedPostgresServer;
import dev.llmc.gateway.storage.EmbeddedRedisServer;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.SecondReplica;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A conversation keeps its expert across turns while that expert stays within the margin, switches when another is
 * clearly better, and the state is shared by replicas through Redis. This replica has the default margin (0.05), the
 * second one a margin no score gap exceeds. Cold-start exploration is off so every turn is routed by score alone.
 * Turns send only their newest message, so the score gap is that of the message alone.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StickinessIT extends EmbeddedGatewayTest {
    private static final String COOKING = "Cooking expert: recipes, ingredients, baking bread and cakes, kitchen techniques, "
            + "meal planning, sauces, pasta, seasoning and how long to cook food.";
    private static final String PROGRAMMING = "Programming expert: debugging code, stack traces and exceptions, Java, Python, "
            + "JavaScript, SQL queries, git, compilers and software design.";
    private static final String RECIPE = "What is a good recipe for a chocolate cake? How long should it bake in the oven?";
    private static final String CODE_QUESTION = "How do I read a file line by line in Python?";
    private static final String STACK_TRACE = """
            My Java service crashes with this stack trace:
            Exception in thread "main" java.lang.NullPointerException
                at com.example.OrderService.total(OrderService.java:42)
                at com.example.Main.main(Main.java:10)
            How do I debug this exception in my Java code? Is it a compiler problem or a bug in my software design?""";
    private final FakeExpertNode cooking = fakeNode("cooking");
    private final FakeExpertNode programming = fakeNode("programming");
    private SecondReplica second;
    private GatewayHttp lenient;

    @Inject
    EmbeddedPostgresServer postgres;
    @Inject
    EmbeddedRedisServer redis;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.routing.cold-start.share", "0");
    }

    @BeforeAll
    void setUp() {
        http().registerExpert("cooking", COOKING, cooking.baseUrl());
        http().registerExpert("programming", PROGRAMMING, programming.baseUrl());
        second = new SecondReplica(postgres, redis, Map.of("llmc.routing.cold-start.share", "0",
                "llmc.routing.stickiness.margin", "2"));
        lenient = second.http(ADMIN_KEY);
    }

    @AfterAll
    void tearDown() {
        if (second != null) {
            second.close();
        }
    }

    private static String expert(GatewayHttp on, String conversationId, String... userAndAssistantTurns) {
        StringBuilder messages = new StringBuilder();
        for (int i = 0; i < userAndAssistantTurns.length; i++) {
            messages.append(i == 0 ? "" : ",").append("{\"role\": \"%s\", \"content\": \"%s\"}".formatted(
                    i % 2 == 0 ? "user" : "assistant", userAndAssistantTurns[i].replace("\"", "\\\"").replace("\n", "\\n")));
        }
        GatewayHttp.Reply reply = on.post("/chat", """
                {"user_id": "u1", "conversation_id": "%s", "messages": [%s]}""".formatted(conversationId, messages));
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("expert").asText();
    }

    @Test
    void aConversationStaysWithItsExpertWhileWithinTheMargin() {
        // The second replica's margin (2) covers any gap between cosine scores, so this conversation never switches.
        assertEquals("programming", expert(lenient, "fresh", CODE_QUESTION), "on its own, the follow-up goes to programming");
        assertEquals("cooking", expert(lenient, "s1", RECIPE));

        assertEquals("cooking", expert(lenient, "s1", CODE_QUESTION));
    }

    @Test
    void switchesWhenAnotherExpertIsClearlyBetter() {
        assertEquals("cooking", expert(http(), "s2", RECIPE));

        assertEquals("programming", expert(http(), "s2", STACK_TRACE), "a stack trace is far more than 0.05 better for programming");
    }

    @Test
    void theConversationsExpertIsSharedByReplicas() {
        assertEquals("cooking", expert(http(), "s3", RECIPE));

        assertEquals("cooking", expert(lenient, "s3", CODE_QUESTION), "the second replica knows the first one's choice");
    }
}
