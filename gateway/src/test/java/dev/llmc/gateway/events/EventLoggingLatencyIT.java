package dev.llmc.gateway.events;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Measures the time a request spends handing its exposure and feedback to the event log (the added latency). */
@MicronautTest
class EventLoggingLatencyIT extends EmbeddedGatewayTest {
    private static final int WARM_UP = 500;
    private static final int REQUESTS = 3000;
    private final FakeExpertNode node = new FakeExpertNode("general");
    @Inject
    EventPipeline pipeline;

    @BeforeAll
    void registerExpert() {
        http().registerExpert("general", "General knowledge assistant.", node.baseUrl());
    }

    @AfterAll
    void stopNode() {
        node.close();
    }

    private void chatAndMaybeRetry(int i) {
        var reply = http().post("/chat", """
                {"user_id": "lat-%d", "conversation_id": "lat-c%d", "messages": [{"role": "user", "content": "question %d"}]}"""
                .formatted(i % 50, i, i));
        assertEquals(200, reply.status(), reply.body());
        if (i % 2 == 0) {
            http().post("/feedback", "{\"message_id\": \"%s\", \"type\": \"retry\"}".formatted(reply.json().get("message_id").asText()));
        }
    }

    @Test
    void handingEventsToTheLogTakesMicrosecondsOnTheRequestPath() {
        for (int i = 0; i < WARM_UP; i++) {
            chatAndMaybeRetry(i);
        }
        long before = pipeline.recordedCount();
        for (int i = WARM_UP; i < WARM_UP + REQUESTS; i++) {
            chatAndMaybeRetry(i);
        }
        long[] nanos = pipeline.recentRecordNanos((int) (pipeline.recordedCount() - before));
        Arrays.sort(nanos);
        String line = String.format("event logging on the request path over %d events (exposures and retries): "
                        + "p50=%.4f ms p90=%.4f ms p99=%.4f ms p99.9=%.4f ms max=%.4f ms", nanos.length,
                percentile(nanos, 0.50), percentile(nanos, 0.90), percentile(nanos, 0.99), percentile(nanos, 0.999),
                nanos[nanos.length - 1] / 1e6);
        System.out.println(line);
        // The target is p99 < 0.5 ms; on a 2-core machine shared with other builds the wall clock also counts the
        // OS preempting the request thread, so the assertion only guards against regressions by an order of magnitude.
        assertTrue(percentile(nanos, 0.50) < 0.5, line);
        assertTrue(percentile(nanos, 0.99) < 5, line);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
