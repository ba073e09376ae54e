package dev.llmc.gateway.events;

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
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code llmc.events.enabled: false} (what {@code ./llmc bench events} compares against): requests are served, nothing is logged. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EventLoggingDisabledIT extends EmbeddedGatewayTest {
    private final FakeExpertNode node = fakeNode("general");
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.events.enabled", "false");
    }

    @BeforeAll
    void registerExpert() {
        http().registerExpert("general", "General knowledge assistant.", node.baseUrl());
    }

    @Test
    void servedMessagesAreNotLoggedAndFeedbackFindsNoMessage() {
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "general", "messages": [{"role": "user", "content": "Tell me about tea."}]}""");
        assertEquals(200, reply.status(), reply.body());
        String messageId = reply.json().get("id").asText();

        EventLogProbe log = new EventLogProbe(pipeline, dataSource);
        log.awaitDrained(Duration.ofSeconds(10));
        assertEquals(0, log.count("select count(*) from exposures"));
        Reply feedback = http().post("/feedback", "{\"message_id\": \"%s\", \"type\": \"retry\"}".formatted(messageId));
        assertEquals(404, feedback.status(), feedback.body());
    }
}
