package dev.llmc.tools.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.event.JdbcEventWriter;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import dev.llmc.gateway.versions.ControllerVersionStore;
import dev.llmc.gateway.versions.LoggedTrafficExamples;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.scoring.ContentBasedController;
import dev.llmc.model.training.TrainingExample;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The learning loop on real logged traffic: a random arm serves two experts, users rate one of them higher,
 * {@code llmc-tools train} learns that from the exposures and signals in PostgreSQL, and the offline estimate
 * shows the new version would have done better than the logged traffic. The log also holds exposures another encoder
 * embedded (and old rows without an encoder, read as MiniLM's) that rate the other expert best: training and the
 * offline estimate must leave every one of them out, and say how many they left.
 */
@MicronautTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TrainFromLoggedTrafficIT extends EmbeddedGatewayTest {
    private static final List<String> QUESTIONS = List.of(
            "What should I cook for dinner tonight?", "Explain how a hash map works.", "I feel stressed about exams.",
            "Write a haiku about autumn.", "How do I change a flat tyre?", "What is the capital of Australia?");
    private static final int REQUESTS = 60;
    /** Exposures of another encoder, and as many logged before exposures recorded their encoder. */
    private static final int FOREIGN = 40;

    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;
    @Inject
    ConversationEncoder encoder;

    private final FakeExpertNode good = fakeNode("good");
    private final FakeExpertNode poor = fakeNode("poor");
    private int goodServed;
    /** What the gateway logged: message id → [question, rating]. */
    private final Map<String, Object[]> served = new HashMap<>();
    private final Map<String, float[]> foreignEmbeddings = new HashMap<>();

    @BeforeAll
    void serveRatedTrafficUnderARandomPolicy() throws SQLException {
        http().registerExpert("good", "A general assistant.", good.baseUrl());
        String poorId = http().registerExpert("poor", "Another general assistant.", poor.baseUrl()).get("id").asText();
        Reply created = http().post("/experiments", """
                {"name": "exploration", "unit": "conversation", "arms": [
                  {"name": "random-a", "weight": 1, "control": true, "policy": {"type": "random"}},
                  {"name": "random-b", "weight": 1, "control": false, "policy": {"type": "random"}}]}""");
        assertEquals(201, created.status(), created.body());
        http().post("/experiments/" + created.json().get("id").asText() + "/start", "");
        for (int i = 0; i < REQUESTS; i++) {
            Reply reply = http().post("/chat", """
                    {"user_id": "u%d", "conversation_id": "c%d", "messages": [{"role": "user", "content": "%s"}]}"""
                    .formatted(i, i, QUESTIONS.get(i % QUESTIONS.size())));
            assertEquals(200, reply.status(), reply.body());
            boolean fromGood = reply.json().get("expert").asText().equals("good");
            goodServed += fromGood ? 1 : 0;
            int rating = fromGood ? 5 : 1;
            served.put(reply.json().get("message_id").asText(), new Object[] {QUESTIONS.get(i % QUESTIONS.size()), rating});
            assertEquals(202, http().post("/feedback", "{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": %d}"
                    .formatted(reply.json().get("message_id").asText(), rating)).status());
        }
        new EventLogProbe(pipeline, dataSource).awaitDrained(Duration.ofSeconds(20));
        logPoorAsBestUnderAnotherEncoder(poorId);
    }

    /**
     * Ratings of 5 for "poor" at vectors of another space: trained on, they would turn the version towards "poor";
     * replayed, they would add decisions. Half name MiniLM, half no encoder (rows from before the column).
     */
    private void logPoorAsBestUnderAnotherEncoder(String poorId) throws SQLException {
        Random random = new Random(7);
        List<Event> events = new ArrayList<>();
        Instant at = Instant.now().minusSeconds(1);
        for (int i = 0; i < 2 * FOREIGN; i++) {
            String id = "msg_foreign" + i;
            float[] embedding = new float[encoder.dimension()];
            for (int d = 0; d < embedding.length; d++) {
                embedding[d] = (float) random.nextGaussian();
            }
            foreignEmbeddings.put(id, embedding);
            events.add(new Exposure(id, "test", "foreign-u" + i, "foreign-c" + i, 1, null, null, "content", poorId, "poor",
                    0.1, 0.5, embedding, 5, at, null, "random", i < FOREIGN ? "all-minilm-l6-v2" : null));
            events.add(new Signal(id, SignalType.RATING, 5f, at));
        }
        assertEquals(new JdbcEventWriter.Written(2 * FOREIGN, 2 * FOREIGN), new JdbcEventWriter(dataSource).write(events));
    }

    @Test
    void trainsAVersionFromLoggedTrafficThatPrefersTheBetterRatedExpert() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, command(out, err, "--epochs", "30").run(dataSource));

        String encoderId = encoder.encoderId();
        assertTrue(err.toString(UTF_8).contains("skipped " + 2 * FOREIGN + " logged exposures embedded by another encoder than "
                + encoderId + " (all-minilm-l6-v2: " + 2 * FOREIGN + ")"), err.toString(UTF_8));
        assertTrue(out.toString(UTF_8).contains("  skipped_other_encoder = " + 2 * FOREIGN + "\n"), out.toString(UTF_8));
        ControllerVersionStore.StoredVersion stored = new ControllerVersionStore(dataSource).list().getFirst();
        assertTrue(!stored.active(), "a new version must start inactive");
        JsonNode manifest = new ObjectMapper().readTree(stored.manifestJson());
        assertEquals(REQUESTS, manifest.get("training_examples").asInt() + manifest.get("holdout_examples").asInt(),
                stored.manifestJson());

        Reply estimate = http().get("/controller/versions/" + stored.id() + "/offline-estimate");
        assertEquals(200, estimate.status(), estimate.body());
        assertEquals(REQUESTS, estimate.json().get("n").asInt());
        assertEquals(encoderId, estimate.json().get("encoder").asText());
        assertEquals(2 * FOREIGN, estimate.json().at("/skipped_other_encoders/all-minilm-l6-v2").asInt(), estimate.body());
        assertEquals(1, estimate.json().get("skipped_other_encoders").size(), estimate.body());
        assertEquals(REQUESTS, estimate.json().at("/logged_policies/random").asInt(), estimate.body());
        // The new version always picks "good" (reward 1): self-normalised, that is exactly 1.
        assertEquals(1.0, estimate.json().get("snips").asDouble(), 1e-9, estimate.body());
        double loggedMeanReward = (double) goodServed / REQUESTS;
        assertTrue(estimate.json().get("ips").asDouble() > loggedMeanReward, estimate.body() + " vs logged " + loggedMeanReward);
    }

    @Test
    void eachEncoderTrainsOnExactlyTheExposuresItEmbedded() {
        LoggedTrafficExamples.Loaded ours = LoggedTrafficExamples.load(dataSource, Instant.EPOCH, Instant.now(), encoder.encoderId());

        assertEquals(served.keySet(), ours.examples().stream().map(TrainingExample::messageId).collect(Collectors.toSet()));
        assertEquals(Map.of("all-minilm-l6-v2", (long) 2 * FOREIGN), ours.otherEncoders());
        for (TrainingExample example : ours.examples()) {
            Object[] turn = served.get(example.messageId());
            assertEquals(((Integer) turn[1]).floatValue(), example.rating(), example.messageId());
            // e(C) as the gateway computed it with its encoder: the one-turn conversation of the question.
            assertArrayEquals(encoder.encode(List.of(new ChatTurn("user", (String) turn[0]))), example.embedding(), 1e-6f);
        }

        LoggedTrafficExamples.Loaded miniLm = LoggedTrafficExamples.load(dataSource, Instant.EPOCH, Instant.now(), "all-minilm-l6-v2");
        assertEquals(foreignEmbeddings.keySet(), miniLm.examples().stream().map(TrainingExample::messageId).collect(Collectors.toSet()));
        assertEquals(Map.of(encoder.encoderId(), (long) REQUESTS), miniLm.otherEncoders());
        for (TrainingExample example : miniLm.examples()) {
            assertArrayEquals(foreignEmbeddings.get(example.messageId()), example.embedding());
            assertEquals(5f, example.rating());
        }
    }

    @Test
    void theOfflineEstimateCanBeRestrictedToOneLoggingPolicy() {
        String version = ContentBasedController.VERSION;
        Reply random = http().get("/controller/versions/" + version + "/offline-estimate?policy=random");
        assertEquals(200, random.status(), random.body());
        assertEquals(REQUESTS, random.json().get("n").asInt());
        assertEquals("random", random.json().get("policy").asText());

        Reply greedy = http().get("/controller/versions/" + version + "/offline-estimate?policy=greedy");
        assertEquals(200, greedy.status(), greedy.body());
        assertEquals(0, greedy.json().get("n").asInt(), "no greedy decision was logged: " + greedy.body());
        assertEquals(0, greedy.json().get("logged_policies").size());

        Reply unknown = http().get("/controller/versions/" + version + "/offline-estimate?policy=pinned");
        assertEquals(400, unknown.status(), unknown.body());
        assertEquals("invalid_request", unknown.json().at("/error/code").asText());
        assertEquals("policy", unknown.json().at("/error/param").asText());
    }

    @Test
    void refusesToTrainWithoutLoggedTrafficInTheRange() {
        assertEquals(1, command("--until", Instant.EPOCH.plusSeconds(60).toString()).run(dataSource));
    }

    @Test
    void sinceAfterUntilIsAUsageError() {
        assertEquals(2, new CommandLine(new TrainCommand(System.out, System.err))
                .execute("--since", "2026-01-02T00:00:00Z", "--until", "2026-01-01T00:00:00Z"));
    }

    private static TrainCommand command(String... args) {
        return command(System.out, System.err, args);
    }

    private static TrainCommand command(OutputStream out, OutputStream err, String... args) {
        TrainCommand command = new TrainCommand(new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        new CommandLine(command).parseArgs(args);
        command.validate();
        return command;
    }
}
