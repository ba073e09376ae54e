package dev.llmc.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.GatewayHttp;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API the console added, over plain HTTP: who the key is ({@code /me}), results over time, an expert's stats
 * series, the admin's routing explanation, relative reweighting, and their validation errors and role checks.
 */
@MicronautTest
class ConsoleApisIT extends EmbeddedGatewayTest {
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;
    private String alphaId;

    @BeforeAll
    void registerExperts() {
        alphaId = http().registerExpert("alpha", "Cooking: recipes, baking bread, pasta and sauces.", fakeNode("alpha").baseUrl())
                .get("id").asText();
        http().registerExpert("beta", "Programming: Java, Python, debugging and stack traces.", fakeNode("beta").baseUrl());
    }

    @Test
    void meNamesTheCallersOwnerAndRoleForEveryRole() {
        for (String role : new String[] {"app", "developer", "data-scientist"}) {
            JsonNode me = issueKey(role, "me-" + role).get("/me").json();
            assertEquals(role, me.get("role").asText());
            assertEquals("me-" + role, me.get("owner").asText());
            assertTrue(me.get("key_id").asText().startsWith("key_"), me.toString());
        }
        assertEquals("admin", http().get("/me").json().get("role").asText());
    }

    @Test
    void resultsOverTimeAreCumulativePerBucketAndReweightingIsRelative() {
        GatewayHttp scientist = issueKey("data-scientist", "timeline");
        GatewayHttp.Reply created = scientist.post("/experiments", """
                {"name": "timeline", "unit": "user", "arms": [
                  {"name": "a", "weight": 1, "control": true, "expert": "alpha"},
                  {"name": "v7", "weight": 1, "expert": "beta"},
                  {"name": "c", "weight": 1, "expert": "alpha"}]}""");
        assertEquals(201, created.status(), created.body());
        String id = created.json().get("id").asText();
        assertEquals(200, scientist.post("/experiments/" + id + "/start", "").status());
        GatewayHttp app = issueKey("app", "timeline-app");
        for (int u = 0; u < 12; u++) {
            GatewayHttp.Reply reply = app.post("/chat", """
                    {"user_id": "t-%d", "conversation_id": "t-%d", "messages": [{"role": "user", "content": "hi"}]}""".formatted(u, u));
            assertEquals(200, reply.status(), reply.body());
            app.post("/feedback", "{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": 4}".formatted(reply.json().get("message_id").asText()));
        }
        new EventLogProbe(pipeline, dataSource).awaitDrained(Duration.ofSeconds(20));

        JsonNode timeline = scientist.get("/experiments/" + id + "/results/timeline?bucket=hour").json();
        assertEquals("hour", timeline.get("bucket").asText());
        JsonNode last = timeline.get("points").get(timeline.get("points").size() - 1);
        long units = 0;
        for (JsonNode arm : last.get("arms")) {
            units += arm.get("units").asLong();
            if (arm.get("units").asLong() > 0) {
                assertEquals(4.0, arm.get("rating_mean").asDouble(), 1e-9, arm.toString());
            }
        }
        assertEquals(12, units, "the last point covers every unit");
        assertFalse(Instant.parse(last.get("until").asText()).isAfter(Instant.now()), "the current bucket ends now, not in the future");
        assertEquals(1, scientist.get("/experiments/" + id + "/results/timeline").json().get("points").size(), "one day so far");
        GatewayHttp.Reply badBucket = scientist.get("/experiments/" + id + "/results/timeline?bucket=week");
        assertEquals(400, badBucket.status());
        assertEquals("bucket", badBucket.json().at("/error/param").asText());

        // Three equal arms, {"v7": 2}: 1:2:1, not v7 at 2 against the others' stored 1/3.
        JsonNode reweighed = scientist.patch("/experiments/" + id, "{\"weights\": {\"v7\": 2}}").json();
        assertEquals(0.25, reweighed.at("/arms/0/weight").asDouble(), 1e-12);
        assertEquals(0.5, reweighed.at("/arms/1/weight").asDouble(), 1e-12);
        assertEquals(0.25, reweighed.at("/arms/2/weight").asDouble(), 1e-12);
        GatewayHttp.Reply badWeight = scientist.patch("/experiments/" + id, "{\"weights\": {\"c\": -1}}");
        assertEquals(400, badWeight.status());
        assertEquals("weights.c", badWeight.json().at("/error/param").asText());
        // Every interval stays in its metric's range.
        for (JsonNode arm : scientist.get("/experiments/" + id + "/results").json().get("arms")) {
            if (arm.get("retry_rate_ci95").isArray()) {
                assertTrue(arm.at("/retry_rate_ci95/0").asDouble() >= 0 && arm.at("/retry_rate_ci95/1").asDouble() <= 1, arm.toString());
            }
        }
    }

    @Test
    void anExpertsSeriesCountsItsTrafficAndRatingsPerBucket() {
        GatewayHttp app = issueKey("app", "series-app");
        int served = 0;
        for (int i = 0; i < 4; i++) {
            GatewayHttp.Reply reply = app.post("/v1/chat/completions", """
                    {"model": "alpha", "messages": [{"role": "user", "content": "soup %d"}]}""".formatted(i));
            assertEquals(200, reply.status(), reply.body());
            served++;
            if (i < 2) {
                app.post("/feedback", "{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": %d}".formatted(reply.json().get("id").asText(), 2 + i * 2));
            }
        }
        new EventLogProbe(pipeline, dataSource).awaitDrained(Duration.ofSeconds(20));
        for (String window : new String[] {"day", "week"}) {
            JsonNode series = http().get("/experts/" + alphaId + "/stats/series?window=" + window).json();
            long messages = 0;
            long ratings = 0;
            for (JsonNode point : series.get("points")) {
                messages += point.get("messages_served").asLong();
                ratings += point.get("ratings").asLong();
            }
            assertEquals(window.equals("day") ? "hour" : "day", series.get("bucket").asText());
            assertTrue(messages >= served, series.toString());
            assertTrue(ratings >= 2, series.toString());
        }
        GatewayHttp.Reply badWindow = http().get("/experts/" + alphaId + "/stats/series?window=year");
        assertEquals(400, badWindow.status());
        assertEquals("window", badWindow.json().at("/error/param").asText());
        // Another owner's expert is answered like an unknown one.
        assertEquals(404, issueKey("developer", "someone-else").get("/experts/" + alphaId + "/stats/series").status());
    }

    @Test
    void theRoutingExplanationIsForAdminsAndRanksTheTopicsExpertFirst() {
        String conversation = """
                {"messages": [{"role": "user", "content": "How long should I bake bread, and what pasta sauce goes with it?"}]}""";
        JsonNode explanation = http().post("/admin/routing/explain", conversation).json();
        assertEquals("content", explanation.get("controller_version").asText());
        assertEquals(2, explanation.get("experts").size());
        assertEquals("alpha", explanation.at("/experts/0/name").asText());
        assertTrue(explanation.at("/experts/0/score").asDouble() > explanation.at("/experts/1/score").asDouble());
        assertEquals(403, issueKey("data-scientist", "curious").post("/admin/routing/explain", conversation).status());
        assertEquals(403, issueKey("app", "curious-app").post("/admin/routing/explain", conversation).status());
        GatewayHttp.Reply empty = http().post("/admin/routing/explain", "{\"messages\": []}");
        assertEquals(400, empty.status());
        assertEquals("messages", empty.json().at("/error/param").asText());
        GatewayHttp.Reply badRole = http().post("/admin/routing/explain", "{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}");
        assertEquals("messages[0].role", badRole.json().at("/error/param").asText());
        // This gateway routes greedily, so it keeps no linear Thompson posteriors to rank by.
        GatewayHttp.Reply noPosteriors = http().post("/admin/routing/explain", """
                {"messages": [{"role": "user", "content": "bread"}], "posterior_mean": true}""");
        assertEquals(400, noPosteriors.status(), noPosteriors.body());
        assertEquals("posterior_mean", noPosteriors.json().at("/error/param").asText());
        assertFalse(explanation.get("posterior_mean").asBoolean());
    }
}
