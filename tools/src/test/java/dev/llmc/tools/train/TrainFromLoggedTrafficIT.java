package dev.llmc.tools.train;

import dev.llmc.gateway.versions.ControllerVersionStore;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The learning loop on real logged traffic: a random arm serves two experts, users rate one of them higher,
 * {@code llmc-tools train} learns that from the exposures and signals in PostgreSQL, and the offline estimate
 * shows the new version would have done better than the logged traffic.
 */
@MicronautTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TrainFromLoggedTrafficIT extends EmbeddedGatewayTest {
    private static final List<String> QUESTIONS = List.of(
            "What should I cook for dinner tonight?", "Explain how a hash map works.", "I feel stressed about exams.",
            "Write a haiku about autumn.", "How do I change a flat tyre?", "What is the capital of Australia?");
    private static final int REQUESTS = 60;

    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;

    private final FakeExpertNode good = fakeNode("good");
    private final FakeExpertNode poor = fakeNode("poor");
    private int goodServed;

    @BeforeAll
    void serveRatedTrafficUnderARandomPolicy() {
        http().registerExpert("good", "A general assistant.", good.baseUrl());
        http().registerExpert("poor", "Another general assistant.", poor.baseUrl());
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
            assertEquals(202, http().post("/feedback", "{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": %d}"
                    .formatted(reply.json().get("message_id").asText(), fromGood ? 5 : 1)).status());
        }
        new EventLogProbe(pipeline, dataSource).awaitDrained(Duration.ofSeconds(20));
    }

    @Test
    void trainsAVersionFromLoggedTrafficThatPrefersTheBetterRatedExpert() {
        assertEquals(0, command("--epochs", "30").run(dataSource));

        ControllerVersionStore.StoredVersion stored = new ControllerVersionStore(dataSource).list().getFirst();
        assertTrue(!stored.active(), "a new version must start inactive");
        assertTrue(stored.manifestJson().contains("\"training_examples\""), stored.manifestJson());

        Reply estimate = http().get("/controller/versions/" + stored.id() + "/offline-estimate");
        assertEquals(200, estimate.status(), estimate.body());
        assertEquals(REQUESTS, estimate.json().get("n").asInt());
        // The new version always picks "good" (reward 1): self-normalised, that is exactly 1.
        assertEquals(1.0, estimate.json().get("snips").asDouble(), 1e-9, estimate.body());
        double loggedMeanReward = (double) goodServed / REQUESTS;
        assertTrue(estimate.json().get("ips").asDouble() > loggedMeanReward, estimate.body() + " vs logged " + loggedMeanReward);
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
        TrainCommand command = new TrainCommand(System.out, System.err);
        new CommandLine(command).parseArgs(args);
        command.validate();
        return command;
    }
}
