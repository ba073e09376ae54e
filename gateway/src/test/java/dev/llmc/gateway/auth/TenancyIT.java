package dev.llmc.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.storage.RedisConnections;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two apps of different owners, and two data scientists, trying to tamper with each other: conversations, users and
 * messages belong to the owner of the app key that created them; experiments to the data scientist who created them.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TenancyIT extends EmbeddedGatewayTest {
    private final FakeExpertNode node = fakeNode("general");
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;
    @Inject
    RedisConnections redis;
    private EventLogProbe log;
    private GatewayHttp shopA;
    private GatewayHttp shopB;
    private GatewayHttp dana;
    private GatewayHttp erin;

    @BeforeAll
    void setUp() {
        http().registerExpert("general", "General knowledge assistant.", node.baseUrl());
        shopA = issueKey("app", "shop-a");
        shopB = issueKey("app", "shop-b");
        dana = issueKey("data-scientist", "dana");
        erin = issueKey("data-scientist", "erin");
        log = new EventLogProbe(pipeline, dataSource);
    }

    private static Reply chat(GatewayHttp app, String user, String conversation, boolean regenerate) {
        return app.post("/chat", """
                {"user_id": "%s", "conversation_id": "%s", "regenerate": %s,
                 "messages": [{"role": "user", "content": "How do I brew green tea?"}]}""".formatted(user, conversation, regenerate));
    }

    private static String messageId(Reply reply) {
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("message_id").asText();
    }

    private static Reply rate(GatewayHttp app, String messageId, int stars) {
        return app.post("/feedback", """
                {"message_id": "%s", "type": "rating", "value": %d}""".formatted(messageId, stars));
    }

    @Test
    void anotherOwnersMessageIsAnsweredExactlyLikeAnUnknownOne() {
        String message = messageId(chat(shopA, "u1", "c-rated", false));

        Reply tampered = rate(shopB, message, 1);
        Reply unknown = rate(shopB, "msg_doesnotexist000000000000", 1);

        assertEquals(404, tampered.status(), tampered.body());
        assertEquals(404, unknown.status(), unknown.body());
        assertEquals(unknown.json().at("/error/code"), tampered.json().at("/error/code"));
        assertEquals(unknown.json().at("/error/message").asText().replace("msg_doesnotexist000000000000", "ID"),
                tampered.json().at("/error/message").asText().replace(message, "ID"));
        assertEquals(202, rate(shopA, message, 5).status());
        log.awaitDrained(Duration.ofSeconds(10));
        assertEquals("5", log.string("select value::text from signals where message_id = ? and type = 'rating'", message));
    }

    @Test
    void adminMayGiveFeedbackOnAnyOwnersMessage() {
        String message = messageId(chat(shopA, "u1", "c-admin", false));

        Reply reply = http().post("/feedback", """
                {"message_id": "%s", "type": "retry"}""".formatted(message));

        assertEquals(202, reply.status(), reply.body());
    }

    @Test
    void regenerateWithAnotherOwnersConversationIdNeverRetriesTheirReply() {
        String original = messageId(chat(shopA, "u1", "c-regen", false));

        Reply tampered = chat(shopB, "u1", "c-regen", true);
        assertEquals(400, tampered.status(), tampered.body());
        assertTrue(tampered.json().at("/error/message").asText().contains("no earlier reply"), tampered.body());

        String replacement = messageId(chat(shopA, "u1", "c-regen", true));
        Reply ownRetry = shopA.post("/feedback", """
                {"message_id": "%s", "type": "retry"}""".formatted(original));
        assertEquals(202, ownRetry.status(), ownRetry.body());
        assertTrue(ownRetry.json().get("duplicate").asBoolean(), "the regenerate already recorded this retry");
        log.awaitDrained(Duration.ofSeconds(10));
        assertEquals(1, log.count("select count(*) from signals where message_id = ? and type = 'retry'", original));
        assertEquals(original, log.string("select regenerates from exposures where message_id = ?", replacement));
    }

    @Test
    void sameConversationIdOfTwoOwnersIsTwoConversations() {
        String fromA = messageId(chat(shopA, "u-twin", "c-twin", false));
        String fromB = messageId(chat(shopB, "u-twin", "c-twin", false));
        // B's regenerate replaces B's own reply, never A's.
        String regenerated = messageId(chat(shopB, "u-twin", "c-twin", true));

        log.awaitDrained(Duration.ofSeconds(10));
        assertEquals("shop-a", log.string("select owner from exposures where message_id = ?", fromA));
        assertEquals("shop-b", log.string("select owner from exposures where message_id = ?", fromB));
        assertEquals(fromB, log.string("select regenerates from exposures where message_id = ?", regenerated));
        assertEquals(0, log.count("select count(*) from signals where message_id = ?", fromA));
        var keys = redis.connection().orElseThrow().sync();
        assertEquals(1, keys.exists("llmc:sticky:shop-a:c-twin"));
        assertEquals(1, keys.exists("llmc:sticky:shop-b:c-twin"));
        assertEquals(0, keys.exists("llmc:sticky:c-twin"));
    }

    private String createExperiment(GatewayHttp scientist, String name) {
        Reply created = scientist.post("/experiments", """
                {"name": "%s", "unit": "user", "arms": [
                  {"name": "control", "weight": 1, "control": true, "controller_version": "content"},
                  {"name": "greedy", "weight": 1, "control": false, "policy": {"type": "greedy"}}]}""".formatted(name));
        assertEquals(201, created.status(), created.body());
        return created.json().get("id").asText();
    }

    @Test
    void onlyTheOwnerOrAnAdminChangesAnExperimentEveryDataScientistReadsIt() {
        String id = createExperiment(dana, "dana's test");

        for (Reply refused : new Reply[] {erin.post("/experiments/" + id + "/start", ""),
                erin.patch("/experiments/" + id, "{\"weights\": {\"greedy\": 3}}"),
                erin.post("/experiments/" + id + "/stop", "")}) {
            assertEquals(403, refused.status(), refused.body());
            assertEquals("not_owner", refused.json().at("/error/code").asText());
            assertEquals("permission_error", refused.json().at("/error/type").asText());
        }
        assertEquals(200, erin.get("/experiments/" + id).status());
        assertEquals(200, erin.get("/experiments/" + id + "/results").status());
        JsonNode unchanged = dana.get("/experiments/" + id).json();
        assertEquals("draft", unchanged.get("status").asText());
        assertEquals(0.5, unchanged.at("/arms/1/weight").asDouble(), 1e-9);

        assertEquals(200, dana.patch("/experiments/" + id, "{\"traffic\": 0.5}").status());
        assertEquals(200, http().post("/experiments/" + id + "/start", "").status());
        assertEquals(200, dana.post("/experiments/" + id + "/stop", "").status());
    }

    @Test
    void twoOwnersUsersOfTheSameIdAreTwoExperimentUnits() {
        String id = createExperiment(dana, "units per owner");
        assertEquals(200, dana.post("/experiments/" + id + "/start", "").status());
        try {
            messageId(chat(shopA, "u-unit", "c-unit-a", false));
            messageId(chat(shopB, "u-unit", "c-unit-b", false));
        } finally {
            assertEquals(200, dana.post("/experiments/" + id + "/stop", "").status());
        }
        log.awaitDrained(Duration.ofSeconds(10));

        JsonNode arms = dana.get("/experiments/" + id + "/results").json().get("arms");
        long units = 0;
        long messages = 0;
        for (JsonNode arm : arms) {
            units += arm.get("units").asLong();
            messages += arm.get("messages").asLong();
        }
        assertEquals(2, messages);
        assertEquals(2, units);
    }

    @Test
    void dataScientistsActivateControllerVersionsAppsMayNot() {
        Reply byScientist = erin.post("/controller/versions/content/activate", "");
        Reply byApp = shopA.post("/controller/versions/content/activate", "");

        assertEquals(200, byScientist.status(), byScientist.body());
        assertTrue(byScientist.json().get("active").asBoolean());
        assertEquals(403, byApp.status(), byApp.body());
    }
}
