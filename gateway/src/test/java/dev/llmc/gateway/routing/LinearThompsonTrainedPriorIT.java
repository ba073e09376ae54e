package dev.llmc.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.event.JdbcEventWriter;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.gateway.versions.ControllerVersionStore;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.model.training.ControllerManifest;
import dev.llmc.model.training.internal.ControllerParameters;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linear Thompson sampling over a trained controller: the prior mean is the controller's prediction of the reward on the
 * reward's own scale ((v − 1)/4, from its rating head), not its serving score (a weighted sum on the 1–5 star scale), so
 * observations that agree with the controller's ranking keep that ranking instead of inverting it: the residual of an
 * often observed expert no longer has to absorb an offset of about −3 that a rarely observed one keeps.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LinearThompsonTrainedPriorIT extends EmbeddedGatewayTest {
    private static final String VERSION = "v-expert-means";
    /** The version's rating heads: σ(r_rating) = (E[stars] − 1)/4 is 0.8, 0.5 and 0.2. */
    private static final Map<String, Double> RATING_HEAD = Map.of("good", Math.log(4), "fair", 0.0, "poor", -Math.log(4));
    private static final Map<String, Double> PRIOR_REWARD = Map.of("good", 0.8, "fair", 0.5, "poor", 0.2);
    /** What the simulated users give each expert: consistent with the version's ranking. */
    private static final Map<String, Integer> STARS = Map.of("good", 4, "fair", 3, "poor", 2);
    private static final List<String> QUESTIONS = List.of(
            "How long should I knead bread dough?",
            "Why does my Java build fail with a NullPointerException?",
            "What is a good way to start running again after an injury?",
            "Can you explain how compound interest works?");

    private final FakeExpertNode good = fakeNode("good");
    private final FakeExpertNode fair = fakeNode("fair");
    private final FakeExpertNode poor = fakeNode("poor");

    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;
    @Inject
    ConversationEncoder encoder;
    @Inject
    ControllerVersionStore store;
    @Inject
    LinearThompsonPosteriors posteriors;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.routing.exploration.policy", "linear-thompson",
                "llmc.routing.exploration.refresh", "200ms");
    }

    @Test
    void observationsThatAgreeWithATrainedControllerKeepItsRanking() throws SQLException {
        Map<String, String> ids = new TreeMap<>();
        ids.put("good", http().registerExpert("good", "A general assistant.", good.baseUrl()).get("id").asText());
        ids.put("fair", http().registerExpert("fair", "Another general assistant.", fair.baseUrl()).get("id").asText());
        ids.put("poor", http().registerExpert("poor", "Yet another general assistant.", poor.baseUrl()).get("id").asText());
        store.insert(expertMeans(ids));
        assertEquals(200, http().post("/controller/versions/" + VERSION + "/activate", "").status());

        // Nothing observed yet: each posterior mean is the version's predicted reward, on the reward's scale.
        JsonNode prior = explain(QUESTIONS.getFirst());
        assertEquals(VERSION, prior.get("controller_version").asText());
        assertEquals(List.of("good", "fair", "poor"), names(prior));
        for (JsonNode expert : prior.get("experts")) {
            assertEquals(PRIOR_REWARD.get(expert.get("name").asText()), expert.get("score").asDouble(), 1e-6, expert.toString());
        }

        // A routed turn logs the served expert's posterior mean as its score: the same prior reward.
        Reply reply = http().post("/chat", """
                {"user_id": "u0", "conversation_id": "routed", "messages": [{"role": "user", "content": "%s"}]}"""
                .formatted(QUESTIONS.getFirst()));
        assertEquals(200, reply.status(), reply.body());
        String served = reply.json().get("expert").asText();
        EventLogProbe log = new EventLogProbe(pipeline, dataSource);
        log.awaitDrained(Duration.ofSeconds(10));
        String messageId = reply.json().get("message_id").asText();
        assertEquals(PRIOR_REWARD.get(served), Double.parseDouble(log.string(
                "select score::text from exposures where message_id = ? and policy = 'linear_thompson'", messageId)), 1e-6);
        assertEquals(202, http().post("/feedback", """
                {"message_id": "%s", "type": "rating", "value": %d}""".formatted(messageId, STARS.get(served))).status());

        // Ratings as users give them: the good expert often (4 stars), the fair one once (3 stars), the poor one never.
        List<Event> logged = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < 24; i++) {
            logged.addAll(ratedTurn("good", ids.get("good"), QUESTIONS.get(i % QUESTIONS.size()), i, now));
        }
        logged.addAll(ratedTurn("fair", ids.get("fair"), QUESTIONS.get(1), 24, now));
        new JdbcEventWriter(dataSource).write(logged);
        log.awaitDrained(Duration.ofSeconds(10));
        await("every rating folded against " + VERSION).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> posteriors.observations(VERSION) == 26);

        for (String question : QUESTIONS) {
            JsonNode learned = explain(question);
            assertEquals(26, learned.get("observations").asLong());
            assertEquals(List.of("good", "fair", "poor"), names(learned), question + ": " + learned);
            float[] embedding = encoder.encode(List.of(new ChatTurn("user", question)));
            for (JsonNode expert : learned.get("experts")) {
                String name = expert.get("name").asText();
                double mean = expert.get("score").asDouble();
                assertEquals(PRIOR_REWARD.get(name) + posteriors.learnedResidual(ids.get(name), VERSION, embedding), mean, 1e-6);
                assertTrue(mean >= 0 && mean <= 1, name + "'s posterior mean is a reward in [0, 1]: " + mean);
            }
            // 24 or 25 ratings of 4 stars (0.75) against a prior of 0.8.
            assertEquals(0.75, learned.at("/experts/0/score").asDouble(), 0.02, learned.toString());
        }
    }

    /**
     * The expert-means version (θ = 0, a bias per expert and head): users rate the good expert highest and retry the poor
     * one most; the version ranks good, fair, poor by its serving score w·(P(retry), E[stars], E[turns]) with the
     * trainer's serving weights (−2, 1, 0.1).
     */
    private ControllerArtifact expertMeans(Map<String, String> ids) {
        int d = encoder.dimension();
        int k = 4;
        List<String> expertIds = new ArrayList<>(ids.values());
        float[] projection = new float[d * k];
        for (int i = 0; i < k; i++) {
            projection[i * k + i] = 1;
        }
        float[][] theta = new float[ControllerParameters.HEADS][expertIds.size() * k];
        float[][] bias = new float[ControllerParameters.HEADS][expertIds.size()];
        ids.forEach((name, id) -> {
            int m = expertIds.indexOf(id);
            bias[ControllerParameters.RATING][m] = RATING_HEAD.get(name).floatValue();
            bias[ControllerParameters.RETRY][m] = (float) -RATING_HEAD.get(name).doubleValue();
        });
        ControllerParameters parameters = new ControllerParameters(d, k, projection, theta, bias,
                new float[ControllerParameters.HEADS], new float[ControllerParameters.HEADS]);
        ControllerManifest manifest = new ControllerManifest(VERSION, Instant.now(), expertIds, k, 1, 1, 0.1, -2, 1, 0.1,
                1_700_000_000_000L, 1_700_000_100_000L, 200, 0, Map.of(), encoder.encoderId());
        return ControllerArtifact.of(manifest, parameters);
    }

    /** A turn the version routed to the expert, as the gateway logs it, and the user's rating of it. */
    private List<Event> ratedTurn(String name, String expertId, String question, int i, Instant at) {
        String messageId = "msg_rated_" + i;
        float[] embedding = encoder.encode(List.of(new ChatTurn("user", question)));
        return List.of(new Exposure(messageId, "test", "user-" + i, "conversation-" + i, 1, null, null, VERSION, expertId, name,
                        PRIOR_REWARD.get(name), 0.5, embedding, 5, at, null, "linear_thompson", encoder.encoderId()),
                new Signal(messageId, SignalType.RATING, STARS.get(name).floatValue(), at));
    }

    private JsonNode explain(String question) {
        Reply reply = http().post("/admin/routing/explain", """
                {"messages": [{"role": "user", "content": "%s"}], "posterior_mean": true}""".formatted(question));
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    private static List<String> names(JsonNode explanation) {
        List<String> names = new ArrayList<>();
        explanation.get("experts").forEach(expert -> names.add(expert.get("name").asText()));
        return names;
    }
}
