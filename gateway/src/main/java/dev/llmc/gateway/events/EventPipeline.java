package dev.llmc.gateway.events;

import dev.llmc.abtest.event.Event;
import dev.llmc.abtest.event.Exposure;
import dev.llmc.abtest.event.JdbcEventWriter;
import dev.llmc.gateway.config.EmbeddedConfig;
import dev.llmc.gateway.storage.RedisConnections;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.scheduler.Schedulers;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gets exposures and signals into PostgreSQL without slowing requests and without losing any. The request path
 * only enqueues in memory; one writer thread stores batches. When PostgreSQL fails a batch goes to the Redis
 * stream buffer, and when Redis fails too, to the disk spool; both are replayed once PostgreSQL answers again.
 * Inserts are idempotent, so a batch stored twice (a replay racing a crash) still counts once.
 *
 * <p>What can still be lost: events queued in memory (at most {@code flush-interval} worth) when the process is
 * killed without a clean shutdown; a clean shutdown drains the queue.
 */
@Context
public final class EventPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);
    private static final int REPLAY_BATCHES = 20;
    private final BlockingQueue<Event> queue;
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
    private volatile long postgresDownUntil;
    private volatile boolean idle;

    EventPipeline(EventStorage storage, MessageLedger ledger, RedisConnections redis, EventsConfig config,
                  EmbeddedConfig embedded, MeterRegistry meters, @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.blocking = blocking;
        // Separate locks for offer and poll: the request path never waits for the writer draining a batch.
        this.queue = new LinkedBlockingQueue<>(config.queueCapacity());
        this.storage = storage;
        this.writer = storage.writer();
        this.ledger = ledger;
        this.config = config;
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
        meters.gauge("llmc.events.queued", queue, BlockingQueue::size);
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
        idle = false;
        if (!queue.offer(event)) {
            // Queue full: PostgreSQL and the writer are far behind. Never drop: write this one event durably here, or
            // on a blocking thread if this is an event loop (a turn served without blocking), which must never wait.
            if (Schedulers.isInNonBlockingThread()) {
                blocking.execute(() -> deliver(List.of(event)));
            } else {
                deliver(List.of(event));
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
                    deliver(batch);
                    batch = new ArrayList<>(config.batchSize());
                }
                if (System.currentTimeMillis() >= nextReplay) {
                    boolean pending = replay();
                    nextReplay = System.currentTimeMillis() + (pending ? 0 : config.retryInterval().toMillis());
                    idle = queue.isEmpty() && !pending;
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

    /** Stores a batch in PostgreSQL, else the Redis buffer, else the disk spool. */
    private void deliver(List<Event> batch) {
        if (System.currentTimeMillis() >= postgresDownUntil && store(batch)) {
            return;
        }
        if (redisBuffer != null) {
            try {
                redisBuffer.push(batch);
                buffered.addAndGet(batch.size());
                ledger.handedOff(batch);
                return;
            } catch (Exception e) {
                LOG.warn("event log: Redis buffer unavailable too ({}); spooling {} events to {}", e.toString(), batch.size(), spool.dir());
            }
        }
        try {
            spool.write(batch);
            spooled.addAndGet(batch.size());
        } catch (Exception e) {
            // Nothing durable is left: keep the events in memory and retry rather than drop them.
            LOG.error("event log: could not spool {} events; keeping them queued", batch.size(), e);
            sleepQuietly(config.retryInterval().toMillis());
            deliver(batch);
        }
    }

    private boolean store(List<Event> batch) {
        try {
            writer.write(batch);
            storage.markUp();
            stored.addAndGet(batch.size());
            ledger.stored(batch);
            if (postgresDownUntil != 0) {
                postgresDownUntil = 0;
                LOG.info("event log: PostgreSQL is back");
            }
            return true;
        } catch (Exception e) {
            if (postgresDownUntil == 0) {
                LOG.warn("event log: PostgreSQL unavailable ({}); buffering events until it returns", e.getMessage());
            }
            postgresDownUntil = System.currentTimeMillis() + config.retryInterval().toMillis();
            storage.markDown();
            return false;
        }
    }

    /** Moves buffered batches (Redis, then disk) into PostgreSQL; true while more are waiting. */
    private boolean replay() {
        if (System.currentTimeMillis() < postgresDownUntil) {
            return false;
        }
        boolean more = false;
        if (redisBuffer != null) {
            try {
                List<RedisEventBuffer.Entry> entries = redisBuffer.read(REPLAY_BATCHES);
                for (RedisEventBuffer.Entry entry : entries) {
                    if (!store(entry.events())) {
                        return false;
                    }
                    redisBuffer.acknowledge(entry);
                    buffered.addAndGet(-entry.events().size());
                }
                more = entries.size() == REPLAY_BATCHES;
            } catch (Exception e) {
                LOG.debug("event log: Redis buffer not readable: {}", e.getMessage());
            }
        }
        try {
            List<Path> files = spool.files();
            for (Path file : files.subList(0, Math.min(files.size(), REPLAY_BATCHES))) {
                List<Event> events = DiskSpool.read(file);
                if (!store(events)) {
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
            return idle && queue.isEmpty() && spool.files().isEmpty() && (redisBuffer == null || redisBuffer.length() == 0);
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
    }
}
