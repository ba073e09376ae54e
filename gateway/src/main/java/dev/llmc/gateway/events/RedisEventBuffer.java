package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.EventCodec;
import io.lettuce.core.Consumer;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XReadArgs;
import dev.llmc.gateway.storage.RedisConnections;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Batches waiting for PostgreSQL, in a Redis stream shared by all replicas. A consumer group gives at-least-once
 * delivery: an entry is acknowledged and deleted only after its batch is in PostgreSQL, and entries a crashed
 * replica had read are claimed by another after {@link #CLAIM_IDLE}. Idempotent inserts turn that into exactly once.
 */
final class RedisEventBuffer implements SharedEventBuffer {
    static final String STREAM = "llmc:events:buffer";
    private static final String GROUP = "llmc-event-writers";
    private static final String FIELD = "events";
    private static final Duration CLAIM_IDLE = Duration.ofSeconds(30);
    private static final long TIMEOUT_MS = 2000;
    private final RedisConnections connection;
    private final String consumer = "gw-" + UUID.randomUUID();
    private volatile boolean groupReady;

    RedisEventBuffer(RedisConnections connection) {
        this.connection = connection;
    }

    @Override
    public void push(List<? extends Event> batch) throws Exception {
        async().xadd(STREAM, Map.of(FIELD, EventCodec.encode(batch))).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** Up to {@code count} batches: this replica's unacknowledged ones first, then abandoned ones, then new ones. */
    @Override
    public List<Entry> read(int count) throws Exception {
        ensureGroup();
        RedisAsyncCommands<String, String> redis = async();
        Consumer<String> me = Consumer.from(GROUP, consumer);
        List<StreamMessage<String, String>> messages = redis.xreadgroup(me, XReadArgs.Builder.count(count),
                XReadArgs.StreamOffset.from(STREAM, "0")).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (messages.isEmpty()) {
            messages = redis.xautoclaim(STREAM, XAutoClaimArgs.Builder.xautoclaim(me, CLAIM_IDLE, "0-0").count(count))
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS).getMessages();
        }
        if (messages.isEmpty()) {
            messages = redis.xreadgroup(me, XReadArgs.Builder.count(count), XReadArgs.StreamOffset.lastConsumed(STREAM))
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        return messages.stream()
                .filter(message -> message.getBody().containsKey(FIELD))
                .map(message -> entry(message.getId(), message.getBody().get(FIELD)))
                .toList();
    }

    private static Entry entry(String id, String text) {
        try {
            return new Entry(id, EventCodec.decode(text), null, null);
        } catch (RuntimeException e) {
            return new Entry(id, List.of(), text, e.toString());
        }
    }

    @Override
    public void acknowledge(Entry entry) throws Exception {
        RedisAsyncCommands<String, String> redis = async();
        redis.xack(STREAM, GROUP, entry.id()).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        redis.xdel(STREAM, entry.id()).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public long length() throws Exception {
        return async().xlen(STREAM).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private void ensureGroup() throws Exception {
        if (groupReady) {
            return;
        }
        try {
            async().xgroupCreate(XReadArgs.StreamOffset.from(STREAM, "0"), GROUP,
                    io.lettuce.core.XGroupCreateArgs.Builder.mkstream()).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() == null || e.getCause().getMessage() == null || !e.getCause().getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
        groupReady = true;
    }

    private RedisAsyncCommands<String, String> async() {
        return connection.async();
    }
}
