package dev.llmc.gateway.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.events.EventPipeline;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.gateway.testing.ServerSentEvents;
import dev.llmc.gateway.testing.ServerSentEvents.Event;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streaming on both chat endpoints: the node's chunks pass through as server-sent events, and the exposure is logged. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StreamingIT extends EmbeddedGatewayTest {
    private final FakeExpertNode cooking = fakeNode("cooking");
    private final FakeExpertNode programming = fakeNode("programming");
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;

    @BeforeAll
    void registerExperts() {
        http().registerExpert("cooking", RoutingIT.COOKING, cooking.baseUrl());
        http().registerExpert("programming", RoutingIT.PROGRAMMING, programming.baseUrl());
    }

    @Test
    void openAiStreamPassesChunksThroughWithExpertAsModelAndEndsWithDone() {
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "auto", "stream": true, "metadata": {"conversation_id": "s-1"},
                 "messages": [{"role": "user", "content": "How long should I bake sourdough bread?"}]}""");

        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.header("Content-Type").orElse("").startsWith("text/event-stream"), reply.headers().toString());
        assertEquals("s-1", reply.header("X-Conversation-Id").orElse(null));
        List<Event> events = ServerSentEvents.parse(reply.body());
        assertEquals("[DONE]", events.getLast().data());
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(e -> FakeExpertNode.json(e.data())).toList();
        assertEquals(4, chunks.size(), reply.body());  // role, two words, finish reason
        StringBuilder content = new StringBuilder();
        for (JsonNode chunk : chunks) {
            assertEquals("cooking", chunk.get("model").asText());
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            assertEquals(chunks.getFirst().get("id").asText(), chunk.get("id").asText());
            content.append(chunk.at("/choices/0/delta/content").asText(""));
        }
        assertTrue(chunks.getFirst().get("id").asText().startsWith("msg_"));
        assertEquals(cooking.reply(), content.toString());
        assertEquals("stop", chunks.getLast().at("/choices/0/finish_reason").asText());
        assertTrue(cooking.requests().getLast().get("stream").asBoolean(), "the node was asked to stream");
    }

    @Test
    void chatStreamSendsMetaDeltasAndDoneAndLogsTheExposure() {
        Reply reply = http().post("/chat", """
                {"user_id": "u-s", "conversation_id": "s-2", "stream": true,
                 "messages": [{"role": "user", "content": "Why does my Java code throw a NullPointerException?"}]}""");

        assertEquals(200, reply.status(), reply.body());
        List<Event> events = ServerSentEvents.parse(reply.body());
        assertEquals("meta", events.getFirst().name());
        JsonNode meta = FakeExpertNode.json(events.getFirst().data());
        assertEquals("programming", meta.get("expert").asText());
        assertEquals("s-2", meta.get("conversation_id").asText());
        String messageId = meta.get("message_id").asText();
        assertTrue(messageId.startsWith("msg_"));
        StringBuilder content = new StringBuilder();
        events.stream().filter(e -> e.name().equals("delta"))
                .forEach(e -> content.append(FakeExpertNode.json(e.data()).get("content").asText()));
        assertEquals(programming.reply(), content.toString());
        assertEquals("done", events.getLast().name());
        JsonNode done = FakeExpertNode.json(events.getLast().data());
        assertEquals(messageId, done.get("message_id").asText());
        assertEquals("stop", done.get("finish_reason").asText());

        EventLogProbe log = new EventLogProbe(pipeline, dataSource);
        log.awaitDrained(Duration.ofSeconds(20));
        assertEquals(1, log.count("select count(*) from exposures where message_id = ? and expert_name = 'programming'", messageId));
    }

    @Test
    void nonBooleanStreamIsBadRequest() {
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "auto", "stream": "yes", "messages": [{"role": "user", "content": "hi"}]}""");

        assertEquals(400, reply.status(), reply.body());
        assertEquals("invalid_request_error", reply.json().at("/error/type").asText());
    }
}
