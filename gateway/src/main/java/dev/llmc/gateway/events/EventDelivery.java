package dev.llmc.gateway.events;

import dev.llmc.abtest.event.BisectingEventStore;
import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.EventCodec;
import dev.llmc.gateway.storage.DownUntil;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a batch of events goes, and how buffered batches come back: PostgreSQL (events it refuses for their content are
 * quarantined, the rest stored), else the shared buffer (Redis), else the disk spool (bounded retries), else held in
 * memory; {@link #replay} moves held, buffered and spooled batches into PostgreSQL once it answers. Inserts are
 * idempotent, so a batch stored twice (a replay racing a crash) still counts once.
 */
final class EventDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(EventDelivery.class);
    private static final int REPLAY_BATCHES = 20;
    private static final int SPOOL_ATTEMPTS = 3;

    /** The event log's tables: idempotent batch writes that isolate refused events, and the quarantine. */
    interface Database {
        BisectingEventStore.Outcome store(List<? extends Event> batch);

        void quarantineUndecodable(String text, String error) throws SQLException;
    }

    /** Told where events went: the message ledger forgets what others can find, the storage health follows PostgreSQL. */
    interface Listener {
        /** Stored in PostgreSQL (or quarantined there): nothing needs this process's copy any more. */
        void stored(List<? extends Event> events);

        /** In the shared buffer, which any replica may replay. */
        void handedOff(List<? extends Event> events);

        void postgresFailed();

        void postgresAnswered();
    }

    private final Database database;
    private final SharedEventBuffer buffer;
    private final DiskSpool spool;
    private final Listener listener;
    private final Duration retryInterval;
    // After a failed write, batches go straight to the buffers for one retry interval, then PostgreSQL is tried again.
    private final DownUntil postgresDown;
    private final Queue<List<Event>> held = new ConcurrentLinkedQueue<>();
    private final AtomicLong heldCount = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();
    private final Counter quarantined;

    /** @param buffer null without Redis: batches PostgreSQL cannot take go straight to the spool */
    EventDelivery(Database database, @Nullable SharedEventBuffer buffer, DiskSpool spool, Listener listener,
                  Duration retryInterval, MeterRegistry meters) {
        this.database = database;
        this.buffer = buffer;
        this.spool = spool;
        this.listener = listener;
        this.retryInterval = retryInterval;
        this.postgresDown = new DownUntil(retryInterval);
        this.quarantined = Counter.builder("llmc.events.quarantined")
                .description("events PostgreSQL refused for their content, set aside in the event_quarantine table")
                .register(meters);
        meters.gauge("llmc.events.held", heldCount);
        meters.gauge("llmc.events.stored", stored);
        meters.gauge("llmc.events.buffered.redis", buffered);
        meters.gauge("llmc.events.spooled", spooled);
    }

    /** Stores a batch in PostgreSQL (quarantining events it refuses), and what it could not take in Redis or on disk. */
    void deliver(List<Event> batch) {
        List<Event> pending = postgresDown.skip() ? batch : store(batch);
        if (!pending.isEmpty()) {
            buffer(pending);
        }
    }

    /** Puts events PostgreSQL could not take in the shared buffer, else the disk spool, else holds them in memory. */
    private void buffer(List<Event> events) {
        if (buffer != null) {
            try {
                buffer.push(events);
                buffered.addAndGet(events.size());
                listener.handedOff(events);
                return;
            } catch (Exception e) {
                LOG.warn("event log: Redis buffer unavailable too ({}); spooling {} events to {}", e.toString(), events.size(), spool.dir());
            }
        }
        for (int attempt = 1; attempt <= SPOOL_ATTEMPTS; attempt++) {
            try {
                spool.write(events);
                spooled.addAndGet(events.size());
                return;
            } catch (Exception e) {
                LOG.error("event log: could not spool {} events (attempt {} of {})", events.size(), attempt, SPOOL_ATTEMPTS, e);
                if (attempt < SPOOL_ATTEMPTS) {
                    sleepQuietly(retryInterval.toMillis());
                }
            }
        }
        // Nothing durable took them: keep them in memory and retry with the next replay rather than drop them.
        hold(events);
    }

    /** Keeps events in memory until the next replay (nothing durable took them). */
    void hold(List<Event> events) {
        held.add(List.copyOf(events));
        heldCount.addAndGet(events.size());
    }

    /**
     * Writes a batch to PostgreSQL and returns what it could not store because PostgreSQL is unreachable (empty when
     * all is stored or quarantined). Events refused for their content are quarantined and never mark PostgreSQL down.
     */
    private List<Event> store(List<Event> batch) {
        BisectingEventStore.Outcome outcome;
        try {
            outcome = database.store(batch);
        } catch (RuntimeException e) {
            outcome = new BisectingEventStore.Outcome(List.of(), List.of(), List.copyOf(batch), e);
        }
        if (!outcome.stored().isEmpty()) {
            stored.addAndGet(outcome.stored().size());
            listener.stored(outcome.stored());
        }
        if (!outcome.quarantined().isEmpty()) {
            quarantined(outcome.quarantined());
        }
        if (!outcome.complete()) {
            if (postgresDown.failed()) {
                LOG.warn("event log: PostgreSQL unavailable ({}); buffering events until it returns",
                        outcome.failure() == null ? "unknown" : outcome.failure().getMessage());
            }
            listener.postgresFailed();
            return outcome.pending();
        }
        listener.postgresAnswered();
        if (postgresDown.succeeded()) {
            LOG.info("event log: PostgreSQL is back");
        }
        return List.of();
    }

    private void quarantined(List<BisectingEventStore.RefusedEvent> refused) {
        quarantined.increment(refused.size());
        listener.stored(refused.stream().map(BisectingEventStore.RefusedEvent::event).toList());
        BisectingEventStore.RefusedEvent first = refused.get(0);
        LOG.warn("event log: PostgreSQL refused {} event(s) for their content ({} {}); set aside in event_quarantine: {}",
                refused.size(), first.sqlState(), EventCodec.escape(first.error()),
                refused.stream().map(r -> EventCodec.escape(r.event().messageId())).toList());
    }

    /** Sets aside a buffered entry that cannot be decoded; false if PostgreSQL could not take it. */
    private boolean quarantineUndecodable(String where, String text, String error) {
        try {
            database.quarantineUndecodable(text, error);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("event log: could not quarantine an undecodable entry from {}: {}", where, e.getMessage());
            postgresDown.failed();
            return false;
        }
        quarantined.increment();
        LOG.warn("event log: an entry from {} could not be decoded ({}); set aside in event_quarantine", where, error);
        return true;
    }

    /** Moves buffered batches (held in memory, the shared buffer, then disk) into PostgreSQL; true while more wait. */
    boolean replay() {
        if (postgresDown.skip()) {
            return false;
        }
        for (int n = held.size(); n > 0; n--) {
            List<Event> events = held.poll();
            if (events == null) {
                break;
            }
            heldCount.addAndGet(-events.size());
            deliver(events);
        }
        boolean more = false;
        if (buffer != null) {
            try {
                List<SharedEventBuffer.Entry> entries = buffer.read(REPLAY_BATCHES);
                for (SharedEventBuffer.Entry entry : entries) {
                    if (entry.undecodable() != null) {
                        if (!quarantineUndecodable("the Redis buffer entry " + entry.id(), entry.undecodable(), entry.error())) {
                            return false;
                        }
                    } else {
                        if (!store(entry.events()).isEmpty()) {
                            return false;
                        }
                        buffered.addAndGet(-entry.events().size());
                    }
                    buffer.acknowledge(entry);
                }
                more = entries.size() == REPLAY_BATCHES;
            } catch (Exception e) {
                LOG.debug("event log: Redis buffer not readable: {}", e.getMessage());
            }
        }
        try {
            List<Path> files = spool.files();
            for (Path file : files.subList(0, Math.min(files.size(), REPLAY_BATCHES))) {
                List<Event> events;
                try {
                    events = DiskSpool.read(file);
                } catch (RuntimeException undecodable) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    if (!quarantineUndecodable("the spool file " + file.getFileName(), text, undecodable.toString())) {
                        return false;
                    }
                    Files.delete(file);
                    continue;
                }
                if (!store(events).isEmpty()) {
                    return false;
                }
                Files.delete(file);
                spooled.addAndGet(-events.size());
            }
            more |= files.size() > REPLAY_BATCHES;
        } catch (IOException e) {
            LOG.warn("event log: spool not readable: {}", e.getMessage());
        }
        return more;
    }

    /** True when nothing is held in memory, in the shared buffer or on the spool. */
    boolean empty() throws Exception {
        return held.isEmpty() && spool.files().isEmpty() && (buffer == null || buffer.length() == 0);
    }

    long storedCount() {
        return stored.get();
    }

    long heldCount() {
        return heldCount.get();
    }

    Path spoolDir() {
        return spool.dir();
    }

    boolean hasSharedBuffer() {
        return buffer != null;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
