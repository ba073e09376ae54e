package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.gateway.auth.OwnedId;
import dev.llmc.gateway.storage.DownUntil;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import dev.llmc.gateway.storage.RedisConnections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The message index every replica shares, in Redis, expiring after {@code llmc.events.index-ttl}: message id → owner,
 * {@code owner:conversation} → its latest message and turn, and claimed signals. Served messages are indexed by a
 * background thread a few milliseconds after the request (never on the request path). After a Redis failure the index
 * is skipped for a while ({@link DownUntil}) instead of paying its timeout on every lookup.
 */
final class RedisMessageIndex implements MessageIndex {
    private static final Logger LOG = LoggerFactory.getLogger(RedisMessageIndex.class);
    private static final long TIMEOUT_MS = 300;
    private static final long HANDOFF_TIMEOUT_MS = 2000;
    private static final String NO_VALUE = "-";
    private static final String MESSAGE_KEY = "llmc:message-owner:";
    private static final String LAST_KEY = "llmc:conversation-last:";
    private static final String SIGNAL_KEY = "llmc:sig:";
    // How long the index writer lets exposures gather before writing them: one wake-up and one Redis call per
    // LINGER_MS under load instead of one per request, still long before a user could give feedback elsewhere
    // (and well within MessageLedger's second look at a lookup that found nothing).
    static final long LINGER_MS = 20;
    private static final int BATCH = 1000;
    // A batch's keys (two per message) are set by one script call: a SET per key cost a command object, a future, a
    // parsed command and a reply on both ends, and Lettuce's event loop with this thread were about three quarters of
    // the JVM's logging CPU in a per-thread profile of ./llmc bench events.
    private static final String INDEX_SCRIPT =
            "for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[1]) end return #KEYS";
    // What a batch handed to the shared Redis buffer leaves in the index: message owners (idempotent) and claimed
    // signals (SET NX: an earlier claim wins). Conversations' latest messages are left to the index writer: rewriting
    // one here could replace a later turn with an earlier one.
    private static final String HANDOFF_SCRIPT = """
            for i = 1, #KEYS do
              if ARGV[2 * i + 1] == 'nx' then redis.call('SET', KEYS[i], ARGV[2 * i], 'NX', 'EX', ARGV[1])
              else redis.call('SET', KEYS[i], ARGV[2 * i], 'EX', ARGV[1]) end
            end
            return #KEYS""";
    private final RedisConnections redis;
    private final long ttlSeconds;
    private final LinkedBlockingQueue<Exposure> toIndex = new LinkedBlockingQueue<>();
    private final DownUntil down = new DownUntil(Duration.ofSeconds(2));

    RedisMessageIndex(RedisConnections redis, Duration ttl) {
        this.redis = redis;
        this.ttlSeconds = ttl.toSeconds();
        Thread.ofPlatform().name("llmc-message-index").daemon(true).start(this::indexServed);
    }

    /** Whether to ask Redis now (not within the pause after a failure). */
    boolean usable() {
        return !down.skip();
    }

    /** Request path: a queue offer only. */
    @Override
    public void add(Exposure exposure) {
        toIndex.offer(exposure);
    }

    private void indexServed() {
        List<Exposure> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(toIndex.take());
                Thread.sleep(LINGER_MS);
                toIndex.drainTo(batch, BATCH - 1);
                String[] keys = new String[2 * batch.size()];
                String[] values = new String[1 + keys.length];
                values[0] = Long.toString(ttlSeconds);
                int k = 0;
                for (Exposure exposure : batch) {
                    keys[k] = MESSAGE_KEY + exposure.messageId();
                    values[++k] = exposure.owner();
                    keys[k] = LAST_KEY + new OwnedId(exposure.owner(), exposure.conversationId()).key();
                    values[++k] = exposure.messageId() + " " + exposure.turn();
                }
                redis.async().eval(INDEX_SCRIPT, ScriptOutputType.INTEGER, keys, values).exceptionally(e -> {
                    writeFailed(e);
                    return null;
                });
                batch.clear();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                writeFailed(e);
                batch.clear();
            }
        }
    }

    /** Best effort: this process and PostgreSQL still answer for these messages. Logged once per outage. */
    private void writeFailed(Throwable e) {
        if (down.failed()) {
            LOG.warn("message index: Redis write failed ({}); deciding from this process and PostgreSQL for a while", e.toString());
        }
    }

    /**
     * Indexes what a batch handed to the shared Redis buffer holds, synchronously, so that the replica that replays it
     * (maybe another) and every lookup meanwhile find its messages and claims without this process.
     */
    void indexHandedOff(List<? extends Event> events) throws UnavailableException {
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        values.add(Long.toString(ttlSeconds));
        for (Event event : events) {
            switch (event) {
                case Exposure exposure -> {
                    keys.add(MESSAGE_KEY + exposure.messageId());
                    values.add(exposure.owner());
                    values.add("set");
                }
                case Signal signal -> {
                    keys.add(SIGNAL_KEY + signal.key());
                    values.add(value(signal));
                    values.add("nx");
                }
                default -> {
                }
            }
        }
        if (!keys.isEmpty()) {
            call(() -> redis.async().eval(HANDOFF_SCRIPT, ScriptOutputType.INTEGER, keys.toArray(String[]::new),
                    values.toArray(String[]::new)).get(HANDOFF_TIMEOUT_MS, TimeUnit.MILLISECONDS));
        }
    }

    @Override
    public Optional<String> owner(String messageId) throws UnavailableException {
        return Optional.ofNullable(call(() -> redis.async().get(MESSAGE_KEY + messageId).get(TIMEOUT_MS, TimeUnit.MILLISECONDS)));
    }

    @Override
    public Optional<LastMessage> latest(String conversationKey) throws UnavailableException {
        String indexed = call(() -> redis.async().get(LAST_KEY + conversationKey).get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        if (indexed == null) {
            return Optional.empty();
        }
        // "<message id> <turn>"; an entry without a turn counts as the latest.
        int space = indexed.indexOf(' ');
        return Optional.of(space < 0 ? new LastMessage(indexed, Integer.MAX_VALUE)
                : new LastMessage(indexed.substring(0, space), Integer.parseInt(indexed.substring(space + 1))));
    }

    /** SET NX makes the claim atomic across replicas. */
    @Override
    public Optional<EarlierClaim> claimIfAbsent(Signal signal) throws UnavailableException {
        String key = SIGNAL_KEY + signal.key();
        String set = call(() -> redis.async().set(key, value(signal), SetArgs.Builder.nx().ex(ttlSeconds))
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        if ("OK".equals(set)) {
            return Optional.empty();
        }
        String existing = call(() -> redis.async().get(key).get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        // Expired between the two calls: nothing earlier to compare with.
        return existing == null ? Optional.empty()
                : Optional.of(new EarlierClaim(NO_VALUE.equals(existing) ? null : Float.parseFloat(existing)));
    }

    /** Entries expire with the TTL. */
    @Override
    public void forget(List<? extends Event> events) {
    }

    private interface RedisCall<T> {
        T run() throws Exception;
    }

    private <T> T call(RedisCall<T> call) throws UnavailableException {
        try {
            T result = call.run();
            down.succeeded();
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted", e);
        } catch (Exception e) {
            if (down.failed()) {
                LOG.warn("message index: Redis unavailable ({}); deciding from this process and PostgreSQL for a while", e.toString());
            }
            throw new UnavailableException("Redis: " + e, e);
        }
    }

    private static String value(Signal signal) {
        return signal.value() == null ? NO_VALUE : Float.toString(signal.value());
    }
}
