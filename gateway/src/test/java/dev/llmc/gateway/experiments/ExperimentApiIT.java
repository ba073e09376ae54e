package dev.llmc.gateway.experiments;

import com.fasterxml.jackson.databind.JsonNode;
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

import javax.sql.DataSource;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The experiments API: validation, life cycle, sticky assignment applied to chat, results as JSON and CSV. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExperimentApiIT extends EmbeddedGatewayTest {
    private final FakeExpertNode alpha = fakeNode("alpha");
    private final FakeExpertNode beta = fakeNode("beta");
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;

    @BeforeAll
    void registerExperts() {
        http().registerExpert("alpha", "General assistant alpha.", alpha.baseUrl());
        http().registerExpert("beta", "General assistant beta.", beta.baseUrl());
    }

    private static String twoExpertArms(String name, String unit) {
        return """
                {"name": "%s", "unit": "%s", "arms": [
                  {"name": "a", "weight": 1, "control": true, "expert": "alpha"},
                  {"name": "b", "weight": 1, "control": false, "expert": "beta"}]}""".formatted(name, unit);
    }

    private JsonNode create(String body) {
        Reply reply = http().post("/experiments", body);
        assertEquals(201, reply.status(), reply.body());
        return reply.json();
    }

    private Reply patch(String path, String body) {
        return http().send(http().request(path, ADMIN_KEY).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    private static void assertError(Reply reply, int status, String messagePart) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.json().at("/error/message").asText().contains(messagePart), reply.body());
    }

    @Test
    void createsADraftWithNormalisedWeightsAndDefaults() {
        JsonNode created = create("""
                {"name": "policies", "unit": "conversation", "arms": [
                  {"name": "greedy", "weight": 1, "control": true, "controller_version": "content"},
                  {"name": "explore", "weight": 3, "control": false, "policy": {"type": "epsilon_greedy", "epsilon": 0.2}},
                  {"name": "thompson", "weight": 4, "policy": {"type": "thompson"}}]}""");

        assertTrue(created.get("id").asText().matches("xpt_[0-9a-f]{24}"), created.get("id").asText());
        assertEquals("draft", created.get("status").asText());
        assertEquals(1.0, created.get("traffic").asDouble());
        assertEquals(0.125, created.at("/arms/0/weight").asDouble(), 1e-12);
        assertEquals(0.2, created.at("/arms/1/policy/epsilon").asDouble());
        assertEquals(0.05, created.at("/arms/2/policy/sigma").asDouble());
        JsonNode read = http().get("/experiments/" + created.get("id").asText()).json();
        assertEquals(created.get("arms"), read.get("arms"));
        assertEquals("policies", read.get("name").asText());
    }

    @Test
    void rejectsDefinitionsThatBreakTheRules() {
        assertError(http().post("/experiments", """
                {"name": "x", "unit": "user", "arms": [{"name": "a", "weight": 1, "expert": "alpha"},
                 {"name": "b", "weight": 1, "expert": "beta"}]}"""), 400, "exactly one arm must have");
        assertError(http().post("/experiments", """
                {"name": "x", "unit": "user", "arms": [{"name": "a", "weight": 1, "control": true, "expert": "alpha",
                 "controller_version": "content"}, {"name": "b", "weight": 1, "expert": "beta"}]}"""), 400, "exactly one of");
        assertError(http().post("/experiments", """
                {"name": "x", "unit": "user", "arms": [{"name": "a", "weight": 1, "control": true, "controller_version": "v404"},
                 {"name": "b", "weight": 1, "expert": "beta"}]}"""), 400, "'v404'");
        assertError(http().post("/experiments", """
                {"name": "x", "unit": "user", "arms": [{"name": "a", "weight": 0, "control": true, "expert": "alpha"},
                 {"name": "b", "weight": 1, "expert": "beta"}]}"""), 400, "weight");
        assertError(http().post("/experiments", """
                {"name": "x", "unit": "user", "arms": [{"name": "a", "weight": 1, "control": true, "expert": "nobody"},
                 {"name": "b", "weight": 1, "expert": "beta"}]}"""), 400, "nobody");
        assertError(http().post("/experiments", """
                {"name": "x", "unit": "user", "arms": [{"name": "a", "weight": 1, "control": true, "expert": "alpha"},
                 {"name": "b", "weight": 1, "policy": {"type": "softmax"}}]}"""), 400, "'softmax'");
        assertError(http().post("/experiments", """
                {"name": "x", "unit": "team", "arms": []}"""), 400, "unit");
        assertError(http().post("/experiments", """
                {"name": "x", "unit": "user", "traffic": 1.5, "arms": []}"""), 400, "traffic");
        assertError(http().post("/experiments", """
                {"name": "x", "unit": "user", "colour": "red", "arms": []}"""), 400, "'colour'");
    }

    @Test
    void followsTheLifeCycleAndRefusesChangesThatDoNotFit() {
        String id = create(twoExpertArms("cycle", "conversation")).get("id").asText();
        assertError(http().post("/experiments/" + id + "/stop", ""), 409, "draft");
        assertEquals("running", http().post("/experiments/" + id + "/start", "").json().get("status").asText());
        assertError(http().post("/experiments/" + id + "/start", ""), 409, "running");
        assertEquals("stopped", http().post("/experiments/" + id + "/stop", "").json().get("status").asText());
        assertError(patch("/experiments/" + id, "{\"traffic\": 0.5}"), 409, "stopped");
        assertError(http().get("/experiments/xpt_missing"), 404, "xpt_missing");
        assertTrue(http().get("/experiments").json().get("data").size() >= 1);
    }

    @Test
    void assignsUsersStickilyLogsArmsAndKeepsThemWhenWeightsChange() {
        String id = create(twoExpertArms("sticky", "user")).get("id").asText();
        http().post("/experiments/" + id + "/start", "");
        Map<String, String> expertOfUser = new HashMap<>();
        for (int round = 0; round < 2; round++) {
            if (round == 1) {
                assertEquals(200, patch("/experiments/" + id, "{\"weights\": {\"a\": 1, \"b\": 99}}").status());
            }
            for (int u = 0; u < 40; u++) {
                Reply reply = http().post("/chat", """
                        {"user_id": "sticky-%d", "conversation_id": "sticky-%d-%d", "messages": [{"role": "user", "content": "hi"}]}"""
                        .formatted(u, u, round));
                assertEquals(200, reply.status(), reply.body());
                String expert = reply.json().get("expert").asText();
                String before = expertOfUser.putIfAbsent("sticky-" + u, expert);
                if (before != null) {
                    assertEquals(before, expert, "user sticky-" + u + " moved arms");
                }
            }
        }
        assertTrue(expertOfUser.containsValue("alpha") && expertOfUser.containsValue("beta"), expertOfUser.toString());
        http().post("/experiments/" + id + "/stop", "");

        EventLogProbe log = new EventLogProbe(pipeline, dataSource);
        log.awaitDrained(Duration.ofSeconds(10));
        assertEquals(80, log.count("select count(*) from exposures where experiment_id = ? and "
                + "((arm = 'a' and expert_name = 'alpha') or (arm = 'b' and expert_name = 'beta'))", id));

        JsonNode results = http().get("/experiments/" + id + "/results").json();
        assertEquals(40, results.at("/arms/0/units").asInt() + results.at("/arms/1/units").asInt());
        assertEquals(80, results.at("/arms/0/messages").asInt() + results.at("/arms/1/messages").asInt());
        assertTrue(results.at("/srm/p_value").isNumber(), results.toString());
        Reply csv = http().get("/experiments/" + id + "/results.csv");
        assertEquals(200, csv.status());
        assertTrue(csv.header("Content-Type").orElse("").startsWith("text/csv"));
        assertEquals(3, csv.body().strip().split("\n").length, csv.body());
        assertTrue(csv.body().startsWith("arm,control,weight,units,messages,rating_mean"), csv.body());
    }

    @Test
    void callerPinnedModelStaysOutsideExperiments() {
        String id = create(twoExpertArms("pinned", "conversation")).get("id").asText();
        http().post("/experiments/" + id + "/start", "");
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "alpha", "messages": [{"role": "user", "content": "hi"}]}""");
        http().post("/experiments/" + id + "/stop", "");

        assertEquals("alpha", reply.json().get("model").asText());
        EventLogProbe log = new EventLogProbe(pipeline, dataSource);
        log.awaitDrained(Duration.ofSeconds(10));
        assertEquals(0, log.count("select count(*) from exposures where message_id = ? and experiment_id is not null",
                reply.json().get("id").asText()));
    }
}
