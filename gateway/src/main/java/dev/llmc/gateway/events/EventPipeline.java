package dev.llmc.gateway.events;

import dev.llmc.abtest.event.BisectingEventStore;
import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.EventCodec;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.event.JdbcEventWriter;
import dev.llmc.gateway.config.EmbeddedConfig;
import dev.llmc.gateway.storage.DownUntil;
import dev.llmc.gateway.storage.RedisConnections;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gets exposures and signals into PostgreSQL without slowing requests and without losing any. The request path
 * only enqueues in memory (a full queue overflows to a background task, never to a write on the request thread); one
 * writer thread stores batches. When PostgreSQL is unreachable a batch goes to the Redis stream buffer, and when Redis
 * fails too, to the disk spool; both are replayed once PostgreSQL answers again. Inserts are idempotent, so a batch
 * stored twice (a replay racing a crash) still counts once. An event PostgreSQL refuses for what it holds (SQLSTATE
 * class 22, 23, 42, …) is isolated by bisection and set aside in {@code event_quarantine}: it neither blocks the
 * others nor counts as an outage, whether it comes from the queue or from a replayed buffer.
 *
 * <p>What can still be lost: events queued in memory (at most {@code flush-interval} worth) when the process is
 * killed without a clean shutdown; a clean shutdown drains the queue.
 */
@Context
public final class EventPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);
    private static final int REPLAY_BATCHES = 20;
    private static final int SPOOL_ATTEMPTS = 3;
    private final BlockingQueue<Event> queue;
    // Events that found the queue full: unbounded, so the request thread neither waits nor writes nor drops.
    private final BlockingQueue<Event> overflow = new LinkedBlockingQueue<>();
    private final AtomicBoolean overflowDraining = new AtomicBoolean();
    // Batches no store took (PostgreSQL, Redis and the disk all failing), retried on every replay pass.
    private final Queue<List<Event>> held = new ConcurrentLinkedQueue<>();
    private final AtomicLong heldCount = new AtomicLong();
    private final Counter quarantinedCounter;
    private final EventStorage storage;
    private final JdbcEventWriter writer;
    private final MessageLedger ledger;
    private final RedisEventBuffer redisBuffer;
    private final DiskSpool spool;
    private final EventsConfig config;
    private final Timer handoffTimer;
    private final Thread thread;
    private final ExecutorService blocking;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong spooled = new AtomicLong();
    private volatile boolean running = true;
    private final DownUntil postgresDown;
    // Events handed to the queue so far, and how many of them the writer had seen stored or queued when it last found
    // nothing to do: drained() compares the two, so an event enqueued while the writer was deciding it was idle (or
    // taken off the queue into a batch still gathering) never reads as drained.
    private final AtomicLong enqueued = new AtomicLong();
    private volatile long idleThrough = -1;

    EventPipeline(EventStorage storage, MessageLedger ledger, RedisConnections redis, EventsConfig config,
                  EmbeddedConfig embedded, MeterRegistry meters, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.blocking = blocking;
        // Separate locks for offer and poll: the request path never waits for the writer draining a batch.
        this.queue = new LinkedBlockingQueue<>(config.queueCapacity());
        this.storage = storage;
        this.writer = storage.writer();
        this.ledger = ledger;
        this.config = config;
        // After a failed write, batches go straight to the buffers for one retry interval, then PostgreSQL is tried again.
        this.postgresDown = new DownUntil(config.retryInterval());
        this.redisBuffer = redis.connection().map(RedisEventBuffer::new).orElse(null);
        this.spool = new DiskSpool(Path.of(config.spoolDir() != null ? config.spoolDir()
                : Path.of(embedded.dataDir(), "event-spool").toString()).toAbsolutePath());
        // Buckets from 1 µs: the hand-off takes microseconds, below the timer's default lowest bucket of 1 ms.
        // ./llmc bench events reads them (before/after difference) for the request thread's own p50/p99.
        this.handoffTimer = Timer.builder("llmc.events.handoff")
                .description("time the request thread spends handing an event to the event log")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofMillis(100))
                .register(meters);
        meters.gauge("llmc.events.queued", this, pipeline -> pipeline.queue.size() + pipeline.overflow.size());
        meters.gauge("llmc.events.held", heldCount);
        this.quarantinedCounter = Counter.builder("llmc.events.quarantined")
                .description("events PostgreSQL refused for their content, set aside in the event_quarantine table")
                .register(meters);
        meters.gauge("llmc.events.stored", stored);
        meters.gauge("llmc.events.buffered.redis", buffered);
        meters.gauge("llmc.events.spooled", spooled);
        this.thread = Thread.ofPlatform().name("llmc-event-writer").daemon(true).start(this::run);
        LOG.info("event log: batches of up to {} every {}, spool in {}{}", config.batchSize(), config.flushInterval(),
                spool.dir(), redisBuffer == null ? "; no Redis, so no shared buffer (single replica only)" : "");
    }

    /** Hands an exposure to the log (request path: a queue offer and fire-and-forget index writes). */
    public void record(Exposure exposure) {
        if (!config.enabled()) {
            return;
        }
        long start = System.nanoTime();
        ledger.served(exposure);
        enqueue(exposure);
        timed(System.nanoTime() - start);
    }

    /** Hands a signal to the log; the caller has already claimed it in the {@link MessageLedger}. */
    public void record(dev.llmc.abtest.signal.Signal signal) {
        if (!config.enabled()) {
            return;
        }
        long start = System.nanoTime();
        enqueue(signal);
        timed(System.nanoTime() - start);
    }

    private void timed(long nanos) {
        handoffTimer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private void enqueue(Event event) {
        enqueued.incrementAndGet();
        if (!queue.offer(event)) {
            // Queue full: PostgreSQL and the writer are far behind. Never drop, and never write on the request thread:
            // the event goes to the overflow, which a background task moves to PostgreSQL, Redis or the spool.
            overflow.offer(event);
            drainOverflowInBackground();
        }
    }

    private void drainOverflowInBackground() {
        if (!overflowDraining.compareAndSet(false, true)) {
            return;
        }
        try {
            blocking.execute(this::drainOverflow);
        } catch (RuntimeException rejected) {
            // Shutting down: close() drains what is left.
            overflowDraining.set(false);
        }
    }

    private void drainOverflow() {
        while (true) {
            List<Event> batch = new ArrayList<>(config.batchSize());
            overflow.drainTo(batch, config.batchSize());
            if (batch.isEmpty()) {
                overflowDraining.set(false);
                // An event offered after drainTo but before the flag was cleared found the task still running.
                if (overflow.isEmpty() || !overflowDraining.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            try {
                deliver(batch);
            } catch (RuntimeException e) {
                LOG.error("event log: unexpected failure delivering {} overflow events; holding them", batch.size(), e);
                hold(batch);
            }
        }
    }

    private void run() {
        long nextReplay = 0;
        List<Event> batch = new ArrayList<>(config.batchSize());
        while (running || !queue.isEmpty()) {
            try {
                Event first = queue.poll(config.flushInterval().toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    if (queue.size() < config.batchSize() - 1) {
                        // Let the batch gather for one flush interval. Writing as soon as an event arrives meant, under
                        // steady traffic, one wake-up and one PostgreSQL transaction per request, and that CPU on a
                        // small machine was most of the latency logging added (./llmc bench events).
                        Thread.sleep(config.flushInterval().toMillis());
                    }
                    queue.drainTo(batch, config.batchSize() - batch.size());
                    List<Event> writing = batch;
                    batch = new ArrayList<>(config.batchSize());
                    deliver(writing);
                }
                if (System.currentTimeMillis() >= nextReplay) {
                    boolean pending = replay();
                    nextReplay = System.currentTimeMillis() + (pending ? 0 : config.retryInterval().toMillis());
                    // Read before looking at the queue: every event counted here is in the queue or already delivered.
                    long seen = enqueued.get();
                    idleThrough = queue.isEmpty() && !pending ? seen : -1;
                }
            } catch (InterruptedException e) {
                running = false;
            } catch (RuntimeException e) {
                LOG.error("event writer: unexpected failure, continuing", e);
            }
        }
        if (!batch.isEmpty()) {
            // Interrupted while a batch was gathering: it still has to be stored.
            deliver(batch);
        }
    }

    /** Stores a batch in PostgreSQL (quarantining events it refuses), and what it could not take in Redis or on disk. */
    private void deliver(List<Event> batch) {
        List<Event> pending = postgresDown.skip() ? batch : store(batch);
        if (!pending.isEmpty()) {
            buffer(pending);
        }
    }

    /** Puts events PostgreSQL could not take in the Redis buffer, else the disk spool, else holds them in memory. */
    private void buffer(List<Event> events) {
        if (redisBuffer != null) {
            try {
                redisBuffer.push(events);
                buffered.addAndGet(events.size());
                ledger.handedOff(events);
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
                    sleepQuietly(config.retryInterval().toMillis());
                }
            }
        }
        // Nothing durable took them: keep them in memory and retry with the next replay rather than drop them.
        hold(events);
    }

    private void hold(List<Event> events) {
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
            outcome = writer.store(batch);
        } catch (RuntimeException e) {
            outcome = new BisectingEventStore.Outcome(List.of(), List.of(), List.copyOf(batch), e);
        }
        if (!outcome.stored().isEmpty()) {
            stored.addAndGet(outcome.stored().size());
            ledger.stored(outcome.stored());
        }
        if (!outcome.quarantined().isEmpty()) {
            quarantined(outcome.quarantined());
        }
        if (!outcome.complete()) {
            if (postgresDown.failed()) {
                LOG.warn("event log: PostgreSQL unavailable ({}); buffering events until it returns",
                        outcome.failure() == null ? "unknown" : outcome.failure().getMessage());
            }
            storage.down().failed();
            return outcome.pending();
        }
        storage.down().succeeded();
        if (postgresDown.succeeded()) {
            LOG.info("event log: PostgreSQL is back");
        }
        return List.of();
    }

    private void quarantined(List<BisectingEventStore.RefusedEvent> refused) {
        quarantinedCounter.increment(refused.size());
        ledger.stored(refused.stream().map(BisectingEventStore.RefusedEvent::event).toList());
        BisectingEventStore.RefusedEvent first = refused.get(0);
        LOG.warn("event log: PostgreSQL refused {} event(s) for their content ({} {}); set aside in event_quarantine: {}",
                refused.size(), first.sqlState(), EventCodec.escape(first.error()),
                refused.stream().map(r -> EventCodec.escape(r.event().messageId())).toList());
    }

    /** Sets aside a buffered entry that cannot be decoded; false if PostgreSQL could not take it. */
    private boolean quarantineUndecodable(String where, String text, String error) {
        try {
            writer.quarantineUndecodable(text, error);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("event log: could not quarantine an undecodable entry from {}: {}", where, e.getMessage());
            postgresDown.failed();
            return false;
        }
        quarantinedCounter.increment();
        LOG.warn("event log: an entry from {} could not be decoded ({}); set aside in event_quarantine", where, error);
        return true;
    }

    /** Moves buffered batches (held in memory, Redis, then disk) into PostgreSQL; true while more are waiting. */
    private boolean replay() {
        if (postgresDown.skip()) {
            return false;
        }
        boolean more = false;
        for (int n = held.size(); n > 0; n--) {
            List<Event> events = held.poll();
            if (events == null) {
                break;
            }
            heldCount.addAndGet(-events.size());
            deliver(events);
        }
        if (redisBuffer != null) {
            try {
                List<RedisEventBuffer.Entry> entries = redisBuffer.read(REPLAY_BATCHES);
                for (RedisEventBuffer.Entry entry : entries) {
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
                    redisBuffer.acknowledge(entry);
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
                    String text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
                    if (!quarantineUndecodable("the spool file " + file.getFileName(), text, undecodable.toString())) {
                        return false;
                    }
                    java.nio.file.Files.delete(file);
                    continue;
                }
                if (!store(events).isEmpty()) {
                    return false;
                }
                java.nio.file.Files.delete(file);
                spooled.addAndGet(-events.size());
            }
            more |= files.size() > REPLAY_BATCHES;
        } catch (java.io.IOException e) {
            LOG.warn("event log: spool not readable: {}", e.getMessage());
        }
        return more;
    }

    /** True when nothing is queued in memory, buffered in Redis or spooled on disk (tests and benchmarks wait for it). */
    public boolean drained() {
        try {
            return idleThrough == enqueued.get() && queue.isEmpty() && overflow.isEmpty() && !overflowDraining.get() && held.isEmpty() && spool.files().isEmpty()
                    && (redisBuffer == null || redisBuffer.length() == 0);
        } catch (Exception e) {
            return false;
        }
    }

    public long storedCount() {
        return stored.get();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    @PreDestroy
    public void close() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The overflow task may not run again once the executors stop: deliver what it left here.
        List<Event> rest = new ArrayList<>();
        overflow.drainTo(rest);
        if (!rest.isEmpty()) {
            deliver(rest);
        }
        if (heldCount.get() > 0) {
            LOG.error("event log: {} events could be stored neither in PostgreSQL, Redis nor the spool and are lost at shutdown",
                    heldCount.get());
        }
    }
}
