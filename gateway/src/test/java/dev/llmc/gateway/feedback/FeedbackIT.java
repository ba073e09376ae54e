package dev.llmc.gateway.feedback;

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
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Feedback on served messages: validation, idempotent repeats, conflicts, regenerate, and what gets logged. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FeedbackIT extends EmbeddedGatewayTest {
    private final FakeExpertNode node = fakeNode("general");
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;
    private EventLogProbe log;

    @BeforeAll
    void registerExpert() {
        http().registerExpert("general", "General knowledge assistant.", node.baseUrl());
        log = new EventLogProbe(pipeline, dataSource);
    }

    private String chat(String conversationId, String extra) {
        Reply reply = http().post("/chat", """
                {"user_id": "u1", "conversation_id": "%s", %s "messages": [{"role": "user", "content": "Tell me about tea."}]}"""
                .formatted(conversationId, extra));
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("message_id").asText();
    }

    private Reply feedback(String body) {
        return http().post("/feedback", body);
    }

    private static void assertError(Reply reply, int status, String messagePart) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.json().at("/error/message").asText().contains(messagePart), reply.body());
    }

    @Test
    void ratingOfAMessageStillInTheBufferIsAccepted() {
        String id = chat("c-buffered", "");
        Reply reply = feedback("{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": 4}".formatted(id));

        assertEquals(202, reply.status(), reply.body());
        assertFalse(reply.json().get("duplicate").asBoolean());
        log.awaitDrained(Duration.ofSeconds(10));
        assertEquals("4", log.string("select value::text from signals where message_id = ? and type = 'rating'", id));
    }

    @Test
    void servedMessageIsLoggedAsAnExposureWithEmbeddingAndPropensity() {
        String id = chat("c-logged", "");
        log.awaitDrained(Duration.ofSeconds(10));

        assertEquals(1, log.count("select count(*) from exposures where message_id = ? and user_id = 'u1' "
                + "and conversation_id = 'c-logged' and turn = 1 and expert_name = 'general' and propensity = 1 "
                + "and controller_version = 'content' and length(embedding) = 384 * 4 and experiment_id is null", id));
    }

    @Test
    void unknownMessageIsNotFoundAndNamed() {
        assertError(feedback("{\"message_id\": \"msg_nope\", \"type\": \"retry\"}"), 404, "msg_nope");
    }

    @Test
    void outOfRangeRatingIsRejected() {
        String id = chat("c-range", "");
        assertError(feedback("{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": 6}".formatted(id)), 400, "out of range");
        assertError(feedback("{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": 0}".formatted(id)), 400, "out of range");
        assertError(feedback("{\"message_id\": \"%s\", \"type\": \"rating\"}".formatted(id)), 400, "'value' is required");
    }

    @Test
    void unknownTypeAndUnknownFieldAreRejected() {
        String id = chat("c-type", "");
        assertError(feedback("{\"message_id\": \"%s\", \"type\": \"like\"}".formatted(id)), 400, "'like'");
        assertError(feedback("{\"message_id\": \"%s\", \"type\": \"retry\", \"mood\": 1}".formatted(id)), 400, "'mood'");
        assertError(feedback("{\"message_id\": \"%s\", \"type\": \"retry\", \"value\": 3}".formatted(id)), 400, "only allowed");
    }

    @Test
    void identicalRepeatIsAcceptedButStoredOnce() {
        String id = chat("c-repeat", "");
        String body = "{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": 5}".formatted(id);
        assertEquals(202, feedback(body).status());
        Reply repeat = feedback(body);

        assertEquals(202, repeat.status(), repeat.body());
        assertTrue(repeat.json().get("duplicate").asBoolean());
        log.awaitDrained(Duration.ofSeconds(10));
        assertEquals(1, log.count("select count(*) from signals where message_id = ?", id));
    }

    @Test
    void repeatAfterTheSignalReachedPostgresIsStillOnlyARepeat() {
        String id = chat("c-repeat-late", "");
        String body = "{\"message_id\": \"%s\", \"type\": \"end\"}".formatted(id);
        assertEquals(202, feedback(body).status());
        log.awaitDrained(Duration.ofSeconds(10));

        assertTrue(feedback(body).json().get("duplicate").asBoolean());
    }

    @Test
    void conflictingSecondRatingIsAConflict() {
        String id = chat("c-conflict", "");
        assertEquals(202, feedback("{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": 2}".formatted(id)).status());

        Reply conflict = feedback("{\"message_id\": \"%s\", \"type\": \"rating\", \"value\": 5}".formatted(id));
        assertEquals(409, conflict.status(), conflict.body());
        assertEquals("conflict_error", conflict.json().at("/error/type").asText());
    }

    @Test
    void regenerateReplacesTheLastReplyAndRecordsARetryOnIt() {
        String first = chat("c-regen", "");
        Reply again = http().post("/chat", """
                {"user_id": "u1", "conversation_id": "c-regen", "regenerate": true,
                 "messages": [{"role": "user", "content": "Tell me about tea."}, {"role": "assistant", "content": "general answers"}]}""");

        assertEquals(200, again.status(), again.body());
        String second = again.json().get("message_id").asText();
        assertNotEquals(first, second);
        JsonNode forwarded = node.requests().getLast();
        assertEquals(1, forwarded.get("messages").size(), "the replaced reply is not sent to the node");
        log.awaitDrained(Duration.ofSeconds(10));
        assertEquals(1, log.count("select count(*) from signals where message_id = ? and type = 'retry'", first));
        assertEquals(1, log.count("select count(*) from exposures where message_id = ? and regenerates = ? and turn = 1", second, first));
    }

    @Test
    void regenerateWithoutAnEarlierReplyIsRejected() {
        Reply reply = http().post("/chat", """
                {"user_id": "u1", "conversation_id": "c-never", "regenerate": true,
                 "messages": [{"role": "user", "content": "Hello"}]}""");
        assertError(reply, 400, "c-never");
    }
}
