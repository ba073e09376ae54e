package dev.llmc.gateway.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A controller arm against a random arm, with simulated users whose ratings favour the expert of their topic:
 * the results show the controller arm rated higher with a small p-value, and no sample-ratio mismatch.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExperimentEndToEndIT extends EmbeddedGatewayTest {
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "cooking", "Cooking expert: recipes, ingredients, baking bread and cakes, kitchen techniques, meal planning, "
                    + "sauces, pasta, seasoning and how long to cook food.",
            "programming", "Programming expert: debugging code, stack traces and exceptions, Java, Python, JavaScript, "
                    + "SQL queries, git, compilers and software design.",
            "emotional-support", "Emotional support companion: listening to feelings, stress, anxiety, loneliness, grief "
                    + "and sadness, relationships, encouragement and self-care.");
    private static final Map<String, List<String>> QUESTIONS = Map.of(
            "cooking", List.of("How long should I bake a chocolate cake?", "What is a good recipe for fresh pasta dough?",
                    "How do I make a tomato sauce for spaghetti?", "How much salt goes into bread dough?"),
            "programming", List.of("My Java code throws a NullPointerException, how do I debug it?",
                    "How do I fix a git merge conflict?", "Why is my SQL query with a join so slow?",
                    "Python raises KeyError in my dictionary lookup, what is wrong?"),
            "emotional-support", List.of("I feel lonely and sad since my friend moved away.",
                    "I am stressed and anxious about my exams.", "My grandmother died and I cannot stop crying.",
                    "I feel nobody understands me and I am exhausted."));
    private static final int USERS = 80;
    private static final int TURNS = 3;
    private final List<FakeExpertNode> nodes = DESCRIPTIONS.keySet().stream().map(FakeExpertNode::new).toList();
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;

    // The arms must differ only by their treatment: no cold-start exploration share diluting the controller arm.
    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.routing.cold-start.share", "0");
    }

    @BeforeAll
    void registerExperts() {
        nodes.forEach(node -> {
            String name = node.reply().replace(" answers", "");
            http().registerExpert(name, DESCRIPTIONS.get(name), node.baseUrl());
        });
    }

    @AfterAll
    void stopNodes() {
        nodes.forEach(FakeExpertNode::close);
    }

    @Test
    void controllerArmBeatsRandomArmWithASmallPValue() {
        Reply created = http().post("/experiments", """
                {"name": "controller vs random", "unit": "user", "arms": [
                  {"name": "controller", "weight": 1, "control": true, "controller_version": "content"},
                  {"name": "random", "weight": 1, "control": false, "policy": {"type": "random"}}]}""");
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("id").asText();
        http().post("/experiments/" + id + "/start", "");

        Random random = new Random(7);
        List<String> topics = List.copyOf(QUESTIONS.keySet());
        for (int u = 0; u < USERS; u++) {
            String topic = topics.get(u % topics.size());
            for (int turn = 0; turn < TURNS; turn++) {
                String question = QUESTIONS.get(topic).get(random.nextInt(QUESTIONS.get(topic).size()));
                Reply reply = http().post("/chat", """
                        {"user_id": "sim-%d", "conversation_id": "sim-%d-%d", "messages": [{"role": "user", "content": "%s"}]}"""
                        .formatted(u, u, turn, question));
                assertEquals(200, reply.status(), reply.body());
                boolean rightExpert = reply.json().get("expert").asText().equals(topic);
                // Users like the expert of their topic: 4-5 stars, otherwise 1-2.
                int stars = (rightExpert ? 4 : 1) + random.nextInt(2);
                assertEquals(202, http().post("/feedback", "{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": %d}"
                        .formatted(reply.json().get("message_id").asText(), stars)).status());
            }
        }
        new EventLogProbe(pipeline, dataSource).awaitDrained(Duration.ofSeconds(20));

        JsonNode results = http().get("/experiments/" + id + "/results").json();
        JsonNode controller = results.at("/arms/0");
        JsonNode randomArm = results.at("/arms/1");
        System.out.println("end-to-end experiment results: " + results);
        assertEquals("controller", controller.get("name").asText());
        assertEquals(USERS, controller.get("units").asInt() + randomArm.get("units").asInt());
        // The content-based controller misroutes a few questions; random picks the right expert one time in three.
        assertTrue(controller.get("rating_mean").asDouble() > 3.5, controller.toString());
        assertTrue(randomArm.get("rating_mean").asDouble() < controller.get("rating_mean").asDouble() - 1, randomArm.toString());
        assertTrue(randomArm.get("rating_lift").asDouble() < 0);
        assertTrue(randomArm.get("rating_p_value").asDouble() < 0.001, randomArm.toString());
        assertTrue(controller.get("rating_ci95").get(0).asDouble() > randomArm.get("rating_ci95").get(1).asDouble());
        assertFalse(results.at("/srm/flagged").asBoolean());
    }
}
