package dev.llmc.tools.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.gateway.versions.ControllerVersionStore;
import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.model.training.ControllerManifest;
import dev.llmc.model.training.internal.ControllerParameters;
import dev.llmc.registry.Expert;
import dev.llmc.registry.JdbcExpertRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17's "trusting an offline estimate", in miniature: users rate the expert that fits their topic 5 and any
 * other 1, on about 180 turns logged with exploration. {@code train} on them must say the data is thin (and store the
 * expert-means controller, since 18 held-out examples cannot show the trained model beats it), and a candidate
 * that sends every topic to cooking must come out worse than the active (content-based) controller on the same
 * logged traffic, before any A/B test.
 */
@MicronautTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OfflineEstimateBeforeABIT extends EmbeddedGatewayTest {
    /** The in-process gateway's encoder (the default): a version is served only with the encoder it was made for. */
    private static final String SERVING_ENCODER = EncoderModel.named(EncoderModel.DEFAULT_NAME).id();
    private static final Map<String, List<String>> QUESTIONS = Map.of(
            "cooking", List.of("How long should I knead bread dough?", "What spices go well in a lentil soup?",
                    "How do I keep a sourdough starter alive?"),
            "programming", List.of("My Java build fails with a NullPointerException at Main.java:10.",
                    "How do I reverse a linked list in Python?", "Why does my SQL query with a join return duplicates?"),
            "emotional-support", List.of("I feel lonely since I moved to a new city.",
                    "I am anxious and cannot sleep before my exams.", "My friend hurt my feelings and I feel sad."));
    private static final int USERS = 60;
    private static final int TURNS_PER_USER = 3;

    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;

    private final FakeExpertNode cooking = fakeNode("cooking");
    private final FakeExpertNode programming = fakeNode("programming");
    private final FakeExpertNode emotional = fakeNode("emotional-support");

    @BeforeAll
    void logRatedTrafficWithExploration() {
        http().registerExpert("cooking", "Cooking: recipes, baking bread, soups, spices and kitchen techniques.", cooking.baseUrl());
        http().registerExpert("programming", "Programming: code, bugs, exceptions, Java, Python and SQL.", programming.baseUrl());
        http().registerExpert("emotional-support", "Emotional support: loneliness, anxiety, sadness and stress.", emotional.baseUrl());
        // Uniform random routing in both arms: every expert is tried on every topic, with logged propensity 1/3.
        Reply created = http().post("/experiments", """
                {"name": "exploration", "unit": "user", "arms": [
                  {"name": "random-a", "weight": 1, "control": true, "policy": {"type": "random"}},
                  {"name": "random-b", "weight": 1, "control": false, "policy": {"type": "random"}}]}""");
        assertEquals(201, created.status(), created.body());
        http().post("/experiments/" + created.json().get("id").asText() + "/start", "");
        List<String> topics = new ArrayList<>(new TreeMap<>(QUESTIONS).keySet());
        SplittableRandom random = new SplittableRandom(17);
        for (int user = 0; user < USERS; user++) {
            for (int turn = 0; turn < TURNS_PER_USER; turn++) {
                String topic = topics.get(random.nextInt(topics.size()));
                String question = QUESTIONS.get(topic).get(random.nextInt(QUESTIONS.get(topic).size()));
                Reply reply = http().post("/chat", """
                        {"user_id": "u%d", "conversation_id": "u%d-c%d", "messages": [{"role": "user", "content": "%s"}]}"""
                        .formatted(user, user, turn, question));
                assertEquals(200, reply.status(), reply.body());
                int stars = reply.json().get("expert").asText().equals(topic) ? 5 : 1;
                assertEquals(202, http().post("/feedback", "{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": %d}"
                        .formatted(reply.json().get("message_id").asText(), stars)).status());
            }
        }
        new EventLogProbe(pipeline, dataSource).awaitDrained(Duration.ofSeconds(30));
    }

    @Test
    void trainSaysTheDataIsTooThinForTheModelItFits() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        TrainCommand command = new TrainCommand(new PrintStream(printed, true, StandardCharsets.UTF_8), System.err);
        new CommandLine(command).parseArgs("--epochs", "5");
        command.validate();

        assertEquals(0, command.run(dataSource));

        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        assertTrue(output.contains("WARNING: thin data: each expert's heads fit 33 parameters (k = 32), which needs 330"), output);
        // 18 held-out examples cannot show the trained model beats each expert's mean: the expert means are stored.
        assertTrue(output.contains("  stored = expert-means\n"), output);
        assertTrue(output.contains("stored the expert-means controller instead of the trained model"), output);
        String id = new ControllerVersionStore(dataSource).list().getFirst().id();
        JsonNode listed = null;
        for (JsonNode version : http().get("/controller/versions").json().get("data")) {
            listed = version.get("id").asText().equals(id) ? version : listed;
        }
        assertFalse(listed.at("/data_check/sufficient").asBoolean(true), listed.toString());
        assertEquals(0.0, listed.at("/manifest/metrics/data_sufficient").asDouble(), listed.toString());
        assertTrue(listed.at("/data_check/examples_per_parameter").asDouble() < 10, listed.toString());
        assertTrue(listed.at("/data_check/expert_means_fallback").asBoolean(false), listed.toString());
        assertEquals(1.0, listed.at("/manifest/metrics/fallback_expert_means").asDouble(), listed.toString());
    }

    @Test
    void aCandidateThatSendsEveryTopicToCookingIsWorseThanTheActiveController() {
        storeVersionPreferring("cooking", "v-always-cooking");

        Reply reply = http().get("/controller/versions/v-always-cooking/offline-estimate");

        assertEquals(200, reply.status(), reply.body());
        JsonNode estimate = reply.json();
        System.out.println("offline estimate of v-always-cooking: " + estimate);
        assertEquals(USERS * TURNS_PER_USER, estimate.get("n").asInt(), estimate.toString());
        assertEquals(USERS, estimate.get("units").asInt(), estimate.toString());
        assertEquals("content", estimate.at("/active/version").asText());
        assertEquals("worse", estimate.at("/versus_active/verdict").asText(), estimate.toString());
        // The candidate's whole interval lies below the active controller's on the same traffic.
        assertTrue(estimate.at("/snips_ci95/1").asDouble() < estimate.at("/active/snips_ci95/0").asDouble(), estimate.toString());
        assertTrue(estimate.at("/versus_active/ci95/1").asDouble() < 0, estimate.toString());
        assertTrue(estimate.get("effective_sample_size").asDouble() >= 30, estimate.toString());
        // Uniform logging: a third of the turns went to the fitting expert.
        double logged = estimate.at("/logged/mean").asDouble();
        assertTrue(logged > 0.2 && logged < 0.5, estimate.toString());
    }

    /** A hand-built version whose rating bias sends every conversation to {@code preferred} (its name). */
    private void storeVersionPreferring(String preferred, String versionId) {
        List<Expert> experts = new JdbcExpertRegistry(dataSource, SERVING_ENCODER).findAll();
        List<String> ids = experts.stream().map(Expert::id).sorted().toList();
        int d = experts.getFirst().theta().length;
        int k = 4;
        SplittableRandom random = new SplittableRandom(1);
        float[] projection = new float[d * k];
        for (int i = 0; i < projection.length; i++) {
            projection[i] = (float) random.nextGaussian();
        }
        float[][] theta = new float[ControllerParameters.HEADS][ids.size() * k];
        float[][] bias = new float[ControllerParameters.HEADS][ids.size()];
        for (Expert expert : experts) {
            bias[ControllerParameters.RATING][ids.indexOf(expert.id())] = expert.name().equals(preferred) ? 4f : -4f;
        }
        ControllerParameters parameters = new ControllerParameters(d, k, projection, theta, bias,
                new float[ControllerParameters.HEADS], new float[ControllerParameters.HEADS]);
        ControllerManifest manifest = new ControllerManifest(versionId, Instant.now(), ids, k, 1, 1, 0.1, -2, 1, 0.1,
                0, 0, 0, 0, Map.of(), SERVING_ENCODER);
        new ControllerVersionStore(dataSource).insert(ControllerArtifact.of(manifest, parameters));
    }
}
