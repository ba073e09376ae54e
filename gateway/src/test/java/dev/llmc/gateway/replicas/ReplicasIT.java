package dev.llmc.gateway.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.storage.EmbeddedPostgresServer;
import dev.llmc.gateway.storage.EmbeddedRedisServer;
import dev.llmc.gateway.storage.RedisConnections;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.gateway.testing.SecondReplica;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway replicas on different ports share one PostgreSQL and one Redis, as behind a Kubernetes Service:
 * replica A is this test's context (it runs the embedded servers), replica B a second context given their URLs.
 * Periodic reloads are slowed to an hour, so whatever reaches the other replica within a second came through
 * LISTEN/NOTIFY or Redis, not a timer. The other two replica properties are tested beside their features:
 * rate limits in {@code RateLimitIT.theLimitHoldsAcrossTwoReplicas}, stickiness in
 * {@code StickinessIT.theConversationsExpertIsSharedByReplicas}.
 */
@MicronautTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReplicasIT extends EmbeddedGatewayTest {
    private static final Duration DRAIN = Duration.ofSeconds(20);
    private static final String KNEAD_QUESTION = "{\"role\": \"user\", \"content\": \"How long do I knead bread dough?\"}";
    private static final String RISE_QUESTION = "{\"role\": \"user\", \"content\": \"And how long should it rise?\"}";
    private final List<FakeExpertNode> nodes = List.of(fakeNode("cooking"), fakeNode("programming"));
    private final FakeExpertNode replicatedNode = fakeNode("replicated");
    private SecondReplica replicaB;
    private GatewayHttp b;
    private String experimentId;

    @Inject
    EmbeddedPostgresServer postgres;
    @Inject
    EmbeddedRedisServer redis;
    @Inject
    RedisConnections redisConnections;
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.routing.registry-refresh", "1h", "llmc.routing.cold-start.share", "0");
    }

    @BeforeAll
    void startReplicaB() {
        http().registerExpert("cooking", "Cooking: recipes, baking, sauces.", nodes.get(0).baseUrl());
        http().registerExpert("programming", "Programming: Java, debugging, SQL.", nodes.get(1).baseUrl());
        // Started before B exists: a started experiment reaches running replicas through the periodic reload
        // (llmc.routing.registry-refresh), which this test slows to an hour.
        Reply created = http().post("/experiments", """
                {"name": "replicas", "unit": "user", "traffic": 0.5, "arms": [
                  {"name": "control", "weight": 1, "control": true, "controller_version": "content"},
                  {"name": "random", "weight": 1, "policy": {"type": "random"}}]}""");
        assertEquals(201, created.status(), created.body());
        experimentId = created.json().get("id").asText();
        assertEquals(200, http().post("/experiments/" + experimentId + "/start", "").status());

        replicaB = new SecondReplica(postgres, redis, extraProperties());
        assertNotEquals(server.getPort(), replicaB.port());
        b = replicaB.http(ADMIN_KEY);
    }

    @AfterAll
    void stopReplicaB() {
        replicaB.close();
    }

    @Test
    void bothReplicasAnswerTheHealthEndpointsTheChartProbes() {
        for (GatewayHttp replica : List.of(http(), b)) {
            for (String path : List.of("/health", "/health/readiness", "/health/liveness")) {
                Reply reply = replica.get(path);
                assertEquals(200, reply.status(), path + " " + reply.body());
                assertEquals("UP", reply.json().get("status").asText(), path);
            }
        }
    }

    @Test
    void everyUserGetsTheSameArmOnBothReplicas() {
        List<String[]> messagesByUser = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            // Half the users reach A first, half B: the first replica to see a unit assigns it.
            GatewayHttp first = u % 2 == 0 ? http() : b;
            GatewayHttp second = u % 2 == 0 ? b : http();
            String user = "ab-user-" + u;
            messagesByUser.add(new String[]{chat(first, user, user + "-c1"), chat(second, user, user + "-c2")});
        }
        EventLogProbe probe = drainBoth();
        int inExperiment = 0;
        Map<String, Integer> perArm = new HashMap<>();
        for (String[] messages : messagesByUser) {
            String armOnFirst = arm(probe, messages[0]);
            String armOnSecond = arm(probe, messages[1]);
            assertEquals(armOnFirst, armOnSecond, "arm of message " + messages[0] + " vs " + messages[1]);
            if (armOnFirst != null) {
                inExperiment++;
                perArm.merge(armOnFirst, 1, Integer::sum);
            }
        }
        System.out.printf("replicas: %d of 40 users in the experiment on both replicas alike, per arm %s%n", inExperiment, perArm);
        // traffic 0.5 over two arms: both arms used, and some users outside the experiment on both replicas.
        assertEquals(2, perArm.size(), perArm.toString());
        assertTrue(inExperiment < 40, "traffic 0.5 let every user in");
    }

    @Test
    void eventsAndFeedbackFromBothReplicasArriveOnceEach() {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            GatewayHttp served = i % 2 == 0 ? http() : b;
            GatewayHttp rated = i % 2 == 0 ? b : http();
            String message = chat(served, "events-user-" + i, "events-conv-" + i);
            messages.add(message);
            // Feedback on the replica that did not serve the message: it knows the message through Redis.
            Reply feedback = rated.post("/feedback", """
                    {"message_id": "%s", "type": "rating", "value": 4}""".formatted(message));
            assertEquals(202, feedback.status(), feedback.body());
        }
        EventLogProbe probe = drainBoth();
        for (String message : messages) {
            assertEquals(1, probe.count("select count(*) from exposures where message_id = ?", message), message);
            assertEquals(1, probe.count("select count(*) from signals where message_id = ? and type = 'rating'", message), message);
        }
        assertEquals(20, probe.count("select count(*) from exposures where user_id like 'events-user-%'"));
    }

    @Test
    void regenerateOnTheOtherReplicaRightAfterAFirstReplyReplacesIt() {
        Map<String, String> replaced = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            GatewayHttp served = i % 2 == 0 ? http() : b;
            GatewayHttp regenerated = i % 2 == 0 ? b : http();
            String user = "regen-first-" + i;
            String first = chat(served, user, user);
            // Sent at once: the serving replica's index entry may still be lingering on its way to Redis.
            replaced.put(regenerate(regenerated, user, user, KNEAD_QUESTION + ", " + answer(1)), first);
        }
        assertRegenerated(replaced, "regen-first-%");
    }

    @Test
    void regenerateOnTheOtherReplicaRightAfterALaterReplyReplacesThatOneNotTheEarlier() throws InterruptedException {
        Map<String, String> replaced = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            GatewayHttp served = i % 2 == 0 ? http() : b;
            GatewayHttp regenerated = i % 2 == 0 ? b : http();
            String user = "regen-later-" + i;
            String first = chat(served, user, user);
            // Turn 1 in the Redis index: without a second look the other replica would replace it.
            await("turn 1 in the Redis message index").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> redisConnections.connection().orElseThrow().sync().exists("llmc:message-owner:" + first) == 1);
            String history = KNEAD_QUESTION + ", " + answer(1) + ", " + RISE_QUESTION;
            Reply second = served.post("/chat", """
                    {"user_id": "%s", "conversation_id": "%s", "messages": [%s]}""".formatted(user, user, history));
            assertEquals(200, second.status(), second.body());
            replaced.put(regenerate(regenerated, user, user, history + ", " + answer(2)), second.json().get("message_id").asText());
        }
        assertRegenerated(replaced, "regen-later-%");
    }

    private static String answer(int turn) {
        return "{\"role\": \"assistant\", \"content\": \"answer %d\"}".formatted(turn);
    }

    /** A regenerate of the conversation's last reply (the trailing assistant message); returns the new message id. */
    private static String regenerate(GatewayHttp replica, String user, String conversation, String messages) {
        Reply reply = replica.post("/chat", """
                {"user_id": "%s", "conversation_id": "%s", "regenerate": true, "messages": [%s]}"""
                .formatted(user, conversation, messages));
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("message_id").asText();
    }

    /** Each new message names the one it replaced, which got exactly one retry, and no other message of these users got one. */
    private void assertRegenerated(Map<String, String> replacedBy, String users) {
        EventLogProbe probe = drainBoth();
        for (Map.Entry<String, String> entry : replacedBy.entrySet()) {
            assertEquals(entry.getValue(), probe.string("select regenerates from exposures where message_id = ?", entry.getKey()),
                    "message replaced by " + entry.getKey());
            assertEquals(1, probe.count("select count(*) from signals where message_id = ? and type = 'retry'", entry.getValue()));
        }
        assertEquals(replacedBy.size(), probe.count("select count(*) from signals s join exposures e using (message_id) "
                + "where s.type = 'retry' and e.user_id like ?", users), "retries in total");
    }

    @Test
    void keyIssuedOnOneReplicaWorksOnTheOtherAndRevocationStopsItWithinOneSecond() throws InterruptedException {
        Reply issued = http().post("/keys", """
                {"role": "developer", "owner": "erin"}""");
        GatewayHttp erinOnB = replicaB.http(issued.json().get("key").asText());
        within1s(() -> erinOnB.get("/experts"), reply -> reply.status() == 200, "new key accepted on the other replica");

        assertEquals(204, http().delete("/keys/" + issued.json().get("id").asText()).status());

        within1s(() -> erinOnB.get("/experts"), reply -> reply.status() == 401, "revoked key refused on the other replica");
    }

    @Test
    void expertRegisteredAndPausedOnOneReplicaChangesRoutingOnTheOtherWithinOneSecond() throws InterruptedException {
        String id = http().registerExpert("replicated", "Replicated expert.", replicatedNode.baseUrl()).get("id").asText();
        within1s(() -> b.get("/v1/models"), reply -> reply.body().contains("\"replicated\""),
                "new expert routable on the other replica");

        assertEquals(200, http().patch("/experts/" + id, """
                {"status": "paused"}""").status());

        within1s(() -> b.get("/v1/models"), reply -> !reply.body().contains("\"replicated\""),
                "paused expert gone from the other replica");
        assertTrue(b.get("/experts/" + id).body().contains("paused"));
    }

    /** One chat turn; returns its message id. */
    private static String chat(GatewayHttp replica, String user, String conversation) {
        Reply reply = replica.post("/chat", """
                {"user_id": "%s", "conversation_id": "%s", "messages": [{"role": "user", "content": "How long do I knead bread dough?"}]}"""
                .formatted(user, conversation));
        assertEquals(200, reply.status(), reply.body());
        JsonNode json = reply.json();
        return json.get("message_id").asText();
    }

    /** Waits until both replicas have written everything they queued, then reads the shared database. */
    private EventLogProbe drainBoth() {
        new EventLogProbe(replicaB.bean(EventPipeline.class), replicaB.bean(DataSource.class)).awaitDrained(DRAIN);
        EventLogProbe probe = new EventLogProbe(pipeline, dataSource);
        probe.awaitDrained(DRAIN);
        return probe;
    }

    /** The arm a message was served under (null outside the experiment); fails if the message was not logged once. */
    private String arm(EventLogProbe probe, String messageId) {
        assertEquals(1, probe.count("select count(*) from exposures where message_id = ?", messageId), messageId);
        String experiment = probe.string("select experiment_id from exposures where message_id = ?", messageId);
        assertTrue(experiment == null || Objects.equals(experiment, experimentId), experiment);
        return probe.string("select arm from exposures where message_id = ?", messageId);
    }

    /** Polls until the reply satisfies the condition, failing after a second; prints how long it took. */
    private static void within1s(Supplier<Reply> request, Predicate<Reply> condition, String what) {
        long start = System.nanoTime();
        await(what + " within 1 s").atMost(Duration.ofSeconds(1)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .until(() -> condition.test(request.get()));
        System.out.printf("replicas: %s after %d ms%n", what, (System.nanoTime() - start) / 1_000_000);
    }
}
