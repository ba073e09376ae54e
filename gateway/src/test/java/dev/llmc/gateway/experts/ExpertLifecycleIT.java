package dev.llmc.gateway.experts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Experts go pending → active → paused/retired; nodes that go down leave rotation and come back when they recover. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExpertLifecycleIT extends EmbeddedGatewayTest {
    static final String COOKING = "Cooking expert: recipes, ingredients, baking bread and cakes, kitchen techniques, "
            + "meal planning, sauces, pasta, seasoning and how long to cook food.";
    static final String PROGRAMMING = "Programming expert: debugging code, stack traces and exceptions, Java, Python, "
            + "JavaScript, SQL queries, git, compilers and software design.";
    private static final String RECIPE = """
            {"user_id": "u", "conversation_id": "c", "messages": [{"role": "user", "content": "What is a good recipe for a chocolate cake?"}]}""";
    private final FakeExpertNode cooking = fakeNode("cooking");
    private final FakeExpertNode programming = fakeNode("programming");
    private final FakeExpertNode spare = fakeNode("spare");
    private String cookingId;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.nodes.health-interval", "200ms", "llmc.nodes.health-timeout", "500ms",
                "llmc.routing.cold-start.share", "0");
    }

    @BeforeAll
    void registerExperts() {
        cookingId = http().registerExpert("cooking", COOKING, cooking.baseUrl()).get("id").asText();
        http().registerExpert("programming", PROGRAMMING, programming.baseUrl());
    }

    private static void awaitUntil(BooleanSupplier condition, String what) {
        await(what).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    private String expertForRecipe() {
        Reply reply = http().post("/chat", RECIPE);
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("expert").asText();
    }

    @Test
    void routerStopsUsingANodeThatGoesDownAndResumesWhenItComesBack() throws InterruptedException {
        assertEquals("cooking", expertForRecipe());

        cooking.down();
        try {
            awaitUntil(() -> !http().get("/experts/" + cookingId).json().at("/nodes/0/healthy").asBoolean(), "cooking node is unhealthy");
            int before = cooking.completions();
            assertNotEquals("cooking", expertForRecipe());
            assertEquals(before, cooking.completions());
        } finally {
            cooking.up();
        }

        awaitUntil(() -> http().get("/experts/" + cookingId).json().at("/nodes/0/healthy").asBoolean(), "cooking node is healthy");
        assertEquals("cooking", expertForRecipe());
    }

    @Test
    void pendingExpertBecomesActiveOnceItsNodeComesUp() throws InterruptedException {
        FakeExpertNode late = new FakeExpertNode("late");
        late.down();
        try {
            JsonNode expert = http().registerExpert("late-starter", "Starts late.", late.baseUrl());
            assertEquals("pending", expert.get("status").asText());

            late.up();

            awaitUntil(() -> "active".equals(http().get("/experts/" + expert.get("id").asText()).json().get("status").asText()),
                    "the expert is active");
        } finally {
            late.close();
        }
    }

    @Test
    void pausedExpertIsNotRoutedAndResumes() {
        String id = http().registerExpert("pausable", "Pausable helper.", spare.baseUrl()).get("id").asText();

        Reply paused = http().patch("/experts/" + id, """
                {"status": "paused"}""");
        assertEquals(200, paused.status(), paused.body());
        assertEquals("paused", paused.json().get("status").asText());
        assertEquals(404, http().post("/v1/chat/completions", """
                {"model": "pausable", "messages": [{"role": "user", "content": "hi"}]}""").status());

        assertEquals("active", http().patch("/experts/" + id, """
                {"status": "active"}""").json().get("status").asText());
        assertEquals(200, http().post("/v1/chat/completions", """
                {"model": "pausable", "messages": [{"role": "user", "content": "hi"}]}""").status());
    }

    @Test
    void retiredExpertIsKeptButNeverRoutedAndCannotComeBack() {
        String id = http().registerExpert("retiree", "Retiring helper.", spare.baseUrl()).get("id").asText();

        assertEquals(204, http().delete("/experts/" + id).status());

        assertEquals("retired", http().get("/experts/" + id).json().get("status").asText());
        assertEquals(404, http().post("/v1/chat/completions", """
                {"model": "retiree", "messages": [{"role": "user", "content": "hi"}]}""").status());
        Reply revive = http().patch("/experts/" + id, """
                {"status": "active"}""");
        assertEquals(409, revive.status(), revive.body());
        assertEquals("conflict_error", revive.json().at("/error/type").asText());
        assertEquals(409, http().post("/experts", """
                {"name": "retiree", "description": "Same name.", "nodes": [{"base_url": "%s"}]}""".formatted(spare.baseUrl())).status());
    }

    @Test
    void patchChangesDescriptionAndNodes() {
        String id = http().registerExpert("patchable", "Old description.", spare.baseUrl()).get("id").asText();

        Reply reply = http().patch("/experts/" + id, """
                {"description": "New description.", "nodes": [{"base_url": "%s", "model": "m2", "weight": 5}]}"""
                .formatted(programming.baseUrl()));

        assertEquals(200, reply.status(), reply.body());
        assertEquals("New description.", reply.json().get("description").asText());
        assertEquals(programming.baseUrl(), reply.json().at("/nodes/0/base_url").asText());
        assertEquals("m2", reply.json().at("/nodes/0/model").asText());
        assertEquals(5, reply.json().at("/nodes/0/weight").asInt());
    }

    @Test
    void upstreamApiKeyIsSentAsBearerTokenAndNeverReturned() {
        FakeExpertNode secured = new FakeExpertNode("secured");
        try {
            Reply registered = http().post("/experts", """
                    {"name": "secured", "description": "Needs a key.", "nodes": [{"base_url": "%s", "api_key": "sk-upstream-123"}]}"""
                    .formatted(secured.baseUrl()));
            assertEquals(201, registered.status(), registered.body());
            assertFalse(registered.body().contains("sk-upstream-123"));
            assertTrue(registered.json().at("/nodes/0/has_api_key").asBoolean());

            assertEquals(200, http().post("/v1/chat/completions", """
                    {"model": "secured", "messages": [{"role": "user", "content": "hi"}]}""").status());

            assertEquals("Bearer sk-upstream-123", secured.authorizations().getLast());
            String id = registered.json().get("id").asText();
            assertFalse(http().get("/experts/" + id).body().contains("sk-upstream"));
            assertFalse(http().get("/experts").body().contains("sk-upstream"));
        } finally {
            secured.close();
        }
    }

    @Test
    void pendingCannotBeActivatedByHand() {
        String id = http().registerExpert("never-up", "Never up.", FakeExpertNode.refusingBaseUrl()).get("id").asText();

        Reply reply = http().patch("/experts/" + id, """
                {"status": "active"}""");

        assertEquals(409, reply.status(), reply.body());
    }
}
