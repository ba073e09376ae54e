package dev.llmc.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.event.JdbcEventWriter;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.storage.EmbeddedPostgresServer;
import dev.llmc.gateway.storage.EmbeddedRedisServer;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.gateway.testing.SecondReplica;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.scoring.ContentBasedController;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code llmc.routing.exploration.policy=linear-thompson}, auto-routed turns are logged with their policy and a
 * propensity in (0, 1], and feedback on them becomes observations in PostgreSQL that this replica and a second one
 * on the same database fold into the same posteriors; observations of another encoder's e(C) are never folded.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LinearThompsonIT extends EmbeddedGatewayTest {
    private static final Map<String, String> LINEAR_THOMPSON = Map.of(
            "llmc.routing.exploration.policy", "linear-thompson",
            "llmc.routing.exploration.refresh", "200ms");
    private static final String CONTENT = ContentBasedController.VERSION;
    private static final String QUESTION = "How long should I knead bread dough, and how warm should it rise?";
    private final FakeExpertNode baker = fakeNode("baker");
    private final FakeExpertNode coder = fakeNode("coder");
    private final Map<String, String> expertIds = new HashMap<>();
    private SecondReplica second;
    private EventLogProbe log;

    @Inject
    EmbeddedPostgresServer postgres;
    @Inject
    EmbeddedRedisServer redis;
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;
    @Inject
    LinearThompsonPosteriors posteriors;
    @Inject
    ConversationEncoder encoder;

    @Override
    protected Map<String, String> extraProperties() {
        return LINEAR_THOMPSON;
    }

    @BeforeAll
    void setUp() {
        expertIds.put("baker", http().registerExpert("baker", "Bread, dough, baking and kitchen questions.", baker.baseUrl()).get("id").asText());
        expertIds.put("coder", http().registerExpert("coder", "Software bugs, compilers and programming languages.", coder.baseUrl()).get("id").asText());
        second = new SecondReplica(postgres, redis, LINEAR_THOMPSON);
        log = new EventLogProbe(pipeline, dataSource);
    }

    @AfterAll
    void tearDown() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void servesWithLoggedPropensitiesAndLearnsFromFeedbackOnEveryReplica() throws SQLException {
        Map<String, String> servedBy = new HashMap<>();
        for (int i = 0; i < 16; i++) {
            Reply reply = http().post("/chat", """
                    {"user_id": "u%d", "conversation_id": "lt-%d", "messages": [{"role": "user", "content": "%s"}]}"""
                    .formatted(i, i, QUESTION));
            assertEquals(200, reply.status(), reply.body());
            servedBy.put(reply.json().get("message_id").asText(), reply.json().get("expert").asText());
        }
        log.awaitDrained(Duration.ofSeconds(10));
        assertEquals(16, log.count("select count(*) from exposures where policy = 'linear_thompson' and propensity > 0 and propensity <= 1"));

        // The baker's replies are liked, the coder's are not (and one of them is retried).
        String retried = null;
        for (Map.Entry<String, String> served : servedBy.entrySet()) {
            boolean good = served.getValue().equals("baker");
            Reply rating = http().post("/feedback", """
                    {"message_id": "%s", "type": "rating", "value": %d}""".formatted(served.getKey(), good ? 5 : 1));
            assertEquals(202, rating.status(), rating.body());
            if (!good && retried == null) {
                retried = served.getKey();
                assertEquals(202, http().post("/feedback", """
                        {"message_id": "%s", "type": "retry"}""".formatted(retried)).status());
            }
        }
        log.awaitDrained(Duration.ofSeconds(10));
        long bakerRatings = servedBy.values().stream().filter("baker"::equals).count();
        long coderObservations = 16 - bakerRatings + (retried == null ? 0 : 1);
        String bakerId = expertIds.get("baker");
        String coderId = expertIds.get("coder");
        LinearThompsonPosteriors elsewhere = second.bean(LinearThompsonPosteriors.class);
        await("both replicas folded every observation").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                posteriors.expertObservations(bakerId) == bakerRatings && posteriors.expertObservations(coderId) == coderObservations
                        && elsewhere.expertObservations(bakerId) == bakerRatings && elsewhere.expertObservations(coderId) == coderObservations);
        assertEquals(16 + (retried == null ? 0 : 1), log.count("select count(*) from exploration_observations"));
        if (retried != null) {
            assertEquals(0, log.count("select count(*) from exploration_observations where message_id = ? and signal_type = 'retry' and reward <> 0", retried));
        }

        float[] embedding = encoder.encode(List.of(new ChatTurn("user", QUESTION)));
        if (bakerRatings > 0) {
            // Reward 1 is above any cosine score the content-based controller gives.
            assertTrue(posteriors.learnedResidual(bakerId, CONTENT, embedding) > 0, "a liked expert is predicted above the controller's score");
        }
        if (bakerRatings > 0 && coderObservations > 0) {
            assertTrue(posteriors.learnedResidual(coderId, CONTENT, embedding) < posteriors.learnedResidual(bakerId, CONTENT, embedding),
                    "a disliked expert gains less than a liked one");
        }
        assertEquals(posteriors.learnedResidual(bakerId, CONTENT, embedding), elsewhere.learnedResidual(bakerId, CONTENT, embedding), 1e-9,
                "the replicas agree");
        assertEquals(posteriors.learnedResidual(coderId, CONTENT, embedding), elsewhere.learnedResidual(coderId, CONTENT, embedding), 1e-9);

        // The explanation's posterior means are the controller's scores (the content controller's predicted reward is its
        // score, up to the float rounding of the laid-out scan the router uses) plus exactly those residuals, ranked by them.
        String conversation = """
                {"messages": [{"role": "user", "content": "%s"}], "posterior_mean": %s}""";
        JsonNode byController = http().post("/admin/routing/explain", conversation.formatted(QUESTION, false)).json();
        JsonNode byMean = http().post("/admin/routing/explain", conversation.formatted(QUESTION, true)).json();
        assertTrue(byMean.get("posterior_mean").asBoolean());
        assertEquals(bakerRatings + coderObservations, byMean.get("observations").asLong());
        assertEquals(2, byMean.get("experts").size());
        Map<String, Double> controllerScores = new HashMap<>();
        byController.get("experts").forEach(e -> controllerScores.put(e.get("expert_id").asText(), e.get("score").asDouble()));
        for (JsonNode expert : byMean.get("experts")) {
            String id = expert.get("expert_id").asText();
            assertEquals(controllerScores.get(id) + posteriors.learnedResidual(id, CONTENT, embedding), expert.get("score").asDouble(), 1e-6);
        }
        assertTrue(byMean.at("/experts/0/score").asDouble() >= byMean.at("/experts/1/score").asDouble());

        ignoresObservationsOfAnotherEncoder(bakerId, coderId, elsewhere);
    }

    /**
     * Ratings on exposures another encoder embedded (before llmc.encoder.model was switched, or logged before exposures
     * recorded their encoder) become observations, but no replica folds them into its posteriors.
     */
    private void ignoresObservationsOfAnotherEncoder(String bakerId, String coderId, LinearThompsonPosteriors elsewhere)
            throws SQLException {
        long before = posteriors.expertObservations(bakerId) + posteriors.expertObservations(coderId);
        Instant now = Instant.now();
        List<Event> foreign = new ArrayList<>();
        for (String encoderId : new String[] {"all-minilm-l6-v2", null}) {
            String id = "msg_foreign_" + encoderId;
            float[] vector = new float[encoder.dimension()];
            vector[0] = 1;
            foreign.add(new Exposure(id, "test", "foreign", "foreign-" + encoderId, 1, null, null, "content", bakerId, "baker",
                    0.2, 0.5, vector, 5, now, null, "linear_thompson", encoderId));
            foreign.add(new Signal(id, SignalType.RATING, 5f, now));
        }
        new JdbcEventWriter(dataSource).write(foreign);
        await("the other encoder's ratings became observations").atMost(Duration.ofSeconds(10))
                .until(() -> log.count("select count(*) from exploration_observations where message_id like 'msg_foreign_%'") == 2);

        // One more rating of this encoder, appended after them: once it is folded, the fold has passed them.
        Reply reply = http().post("/chat", """
                {"user_id": "after", "conversation_id": "lt-after", "messages": [{"role": "user", "content": "%s"}]}"""
                .formatted(QUESTION));
        assertEquals(200, reply.status(), reply.body());
        log.awaitDrained(Duration.ofSeconds(10));
        assertEquals(202, http().post("/feedback", """
                {"message_id": "%s", "type": "rating", "value": 4}""".formatted(reply.json().get("message_id").asText())).status());
        log.awaitDrained(Duration.ofSeconds(10));
        for (LinearThompsonPosteriors replica : List.of(posteriors, elsewhere)) {
            await("the newer rating folded").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> replica.expertObservations(bakerId) + replica.expertObservations(coderId) >= before + 1);
            assertEquals(before + 1, replica.expertObservations(bakerId) + replica.expertObservations(coderId));
        }
    }
}
