package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.EventCodec;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import dev.llmc.gateway.config.EmbeddedConfig;
import dev.llmc.gateway.storage.RedisConnections;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.EventLogProbe;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault of issue 14: one event PostgreSQL refuses (a user id holding U+0000) used to fail every batch after it,
 * pass for an outage and pile every later event up in Redis. Now it is quarantined and everything else is stored,
 * whether it comes straight from the queue or is replayed from the Redis buffer or the disk spool.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PoisonEventIT extends EmbeddedGatewayTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final FakeExpertNode node = fakeNode("general");
    @Inject
    EventPipeline pipeline;
    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry meters;
    @Inject
    RedisConnections redis;
    @Inject
    EmbeddedConfig embedded;
    private EventLogProbe log;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.events.flush-interval", "50ms", "llmc.events.retry-interval", "300ms");
    }

    @BeforeAll
    void registerExpert() {
        http().registerExpert("general", "General knowledge assistant.", node.baseUrl());
        log = new EventLogProbe(pipeline, dataSource);
    }

    /** The one place these tests build an exposure (its fields are changing elsewhere). */
    private static Exposure exposure(String messageId, String userId) {
        return new Exposure(messageId, "shop-a", userId, "conv-" + messageId, 1, null, null, "content", "exp-id", "general",
                0.5, 1.0, null, 3, Instant.now(), null, "greedy", null);
    }

    private double quarantinedMetric() {
        return meters.get("llmc.events.quarantined").counter().count();
    }

    private long quarantined(String messageId) {
        return log.count("select count(*) from event_quarantine where message_id = ?", messageId);
    }

    private void awaitDrainedAnd(Runnable assertion) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertion.run();
            assertTrue(pipeline.drained(), "nothing queued, buffered in Redis or spooled");
        });
    }

    @Test
    void aRefusedEventIsQuarantinedWhileNormalTrafficReachesPostgres() {
        double before = quarantinedMetric();
        double bufferedBefore = meters.get("llmc.events.buffered.redis").gauge().value();
        double spooledBefore = meters.get("llmc.events.spooled").gauge().value();
        pipeline.record(exposure("msg_poison_nul", "u\0x"));
        for (int i = 0; i < 20; i++) {
            Reply chat = http().post("/chat", """
                    {"user_id": "poison-%d", "conversation_id": "poison-c%d", "messages": [{"role": "user", "content": "hi %d"}]}"""
                    .formatted(i, i, i));
            assertEquals(200, chat.status(), chat.body());
            Reply rating = http().post("/feedback", """
                    {"message_id": "%s", "type": "rating", "value": 4}""".formatted(chat.json().get("message_id").asText()));
            assertEquals(202, rating.status(), rating.body());
        }

        awaitDrainedAnd(() -> {
            assertEquals(20, log.count("select count(*) from exposures where user_id like 'poison-%'"));
            assertEquals(20, log.count("select count(*) from signals s join exposures e using (message_id) where e.user_id like 'poison-%'"));
            assertEquals(1, quarantined("msg_poison_nul"));
        });
        assertEquals(1, quarantinedMetric() - before);
        // A refused event is no outage: nothing went to Redis or the spool on the way.
        assertEquals(bufferedBefore, meters.get("llmc.events.buffered.redis").gauge().value());
        assertEquals(spooledBefore, meters.get("llmc.events.spooled").gauge().value());
        assertEquals("22021", log.string("select sql_state from event_quarantine where message_id = ?", "msg_poison_nul"));
        assertEquals("u\0x", ((Exposure) EventCodec.decode(
                log.string("select event from event_quarantine where message_id = ?", "msg_poison_nul")).get(0)).userId());
    }

    @Test
    void aPoisonedBatchInTheRedisBufferIsQuarantinedOnReplayAndTheRestStored() throws Exception {
        RedisEventBuffer buffer = new RedisEventBuffer(redis);
        buffer.push(List.<Event>of(exposure("msg_redis_ok", "redis-user"), exposure("msg_redis_nul", "r\0"),
                new Signal("msg_redis_ok", SignalType.RETRY, null, Instant.now())));

        awaitDrainedAnd(() -> {
            assertEquals(1, log.count("select count(*) from exposures where message_id = 'msg_redis_ok'"));
            assertEquals(1, log.count("select count(*) from signals where message_id = 'msg_redis_ok'"));
            assertEquals(1, quarantined("msg_redis_nul"));
        });
    }

    @Test
    void anUndecodableRedisEntryIsQuarantinedNotRetriedForever() throws Exception {
        String garbage = "E1\tnot-a-valid-exposure";
        redis.connection().orElseThrow().sync().xadd(RedisEventBuffer.STREAM, Map.of("events", garbage));
        RedisEventBuffer buffer = new RedisEventBuffer(redis);
        buffer.push(List.of(exposure("msg_after_garbage", "redis-user")));

        awaitDrainedAnd(() -> {
            assertEquals(1, log.count("select count(*) from exposures where message_id = 'msg_after_garbage'"));
            assertEquals(1, log.count("select count(*) from event_quarantine where event = ?", EventCodec.escape(garbage)));
        });
    }

    @Test
    void aPoisonedSpoolFileIsQuarantinedOnReplayAndTheRestStored() throws Exception {
        DiskSpool spool = new DiskSpool(Path.of(embedded.dataDir(), "event-spool").toAbsolutePath());
        spool.write(List.of(exposure("msg_spool_ok", "spool-user"), exposure("msg_spool_nul", "s\0")));

        awaitDrainedAnd(() -> {
            assertEquals(1, log.count("select count(*) from exposures where message_id = 'msg_spool_ok'"));
            assertEquals(1, quarantined("msg_spool_nul"));
        });
    }
}
