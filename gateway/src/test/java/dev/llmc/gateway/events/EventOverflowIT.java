package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Exposure;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A queue far too small for the traffic: events overflow to the background path and still all arrive, once. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EventOverflowIT extends EmbeddedGatewayTest {
    private static final int EVENTS = 500;
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.events.batch-size", "1", "llmc.events.queue-capacity", "1", "llmc.events.flush-interval", "20ms");
    }

    /** The one place this test builds an exposure (its fields are changing elsewhere). */
    private static Exposure exposure(String messageId) {
        return new Exposure(messageId, "shop-a", "overflow-user", "overflow-conv", 1, null, null, "content", "exp-id", "general",
                0.5, 1.0, null, 3, Instant.now(), null, "greedy", null);
    }

    @Test
    void eventsBeyondTheQueueCapacityAllReachPostgresExactlyOnce() {
        for (int i = 0; i < EVENTS; i++) {
            pipeline.record(exposure("msg_overflow_" + i));
        }

        EventLogProbe log = new EventLogProbe(pipeline, dataSource);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertEquals(EVENTS, log.count("select count(*) from exposures where user_id = 'overflow-user'"));
            assertTrue(pipeline.drained());
        });
    }
}
