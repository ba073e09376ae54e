package dev.llmc.gateway.events;

import dev.llmc.abtest.event.BisectingEventStore;
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

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gets exposures and signals into PostgreSQL without slowing requests and without losing any. The request path
 * only enqueues in memory (a full queue overflows to a background task, never to a write on the request thread); one
 * writer thread gathers batches and hands them to {@link EventDelivery}, which stores them in PostgreSQL (quarantining
 * events it refuses for their content) or buffers them in Redis or on disk until it answers again.
 *
 * <p>What can still be lost: events queued in memory (at most {@code flush-interval} worth) when the process is
 * killed without a clean shutdown; a clean shutdown drains the queue.
 */
@Context
public final class EventPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);
    private final BlockingQueue<Event> queue;
    // Events that found the queue full: unbounded, so the request thread neither waits nor writes nor drops.
    private final BlockingQueue<Event> overflow = new LinkedBlockingQueue<>();
    private final AtomicBoolean overflowDraining = new AtomicBoolean();
    private final MessageLedger ledger;
    private final EventDelivery delivery;
    private final EventsConfig config;
    private final Timer handoffTimer;
    private final Thread thread;
    private final ExecutorService blocking;
    private volatile boolean running = true;
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
        this.ledger = ledger;
        this.config = config;
        this.delivery = new EventDelivery(database(storage.writer()), redis.configured() ? new RedisEventBuffer(redis) : null,
                new DiskSpool(Path.of(config.spoolDir() != null ? config.spoolDir()
                        : Path.of(embedded.dataDir(), "event-spool").toString()).toAbsolutePath()),
                listener(storage, ledger), config.retryInterval(), meters);
        // Buckets from 1 µs: the hand-off takes microseconds, below the timer's default lowest bucket of 1 ms.
        // ./llmc bench events reads them (before/after difference) for the request thread's own p50/p99.
        this.handoffTimer = Timer.builder("llmc.events.handoff")
                .description("time the request thread spends handing an event to the event log")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofMillis(100))
                .register(meters);
        meters.gauge("llmc.events.queued", this, pipeline -> pipeline.queue.size() + pipeline.overflow.size());
        this.thread = Thread.ofPlatform().name("llmc-event-writer").daemon(true).start(this::run);
        LOG.info("event log: batches of up to {} every {}, spool in {}{}", config.batchSize(), config.flushInterval(),
                delivery.spoolDir(), delivery.hasSharedBuffer() ? "" : "; no Redis, so no shared buffer (single replica only)");
    }

    private static EventDelivery.Database database(JdbcEventWriter writer) {
        return new EventDelivery.Database() {
            @Override
            public BisectingEventStore.Outcome store(List<? extends Event> batch) {
                return writer.store(batch);
            }

            @Override
            public void quarantineUndecodable(String text, String error) throws SQLException {
                writer.quarantineUndecodable(text, error);
            }
        };
    }

    /** The message ledger forgets what others can find; PostgreSQL's health is shared with the ledger's lookups. */
    private static EventDelivery.Listener listener(EventStorage storage, MessageLedger ledger) {
        return new EventDelivery.Listener() {
            @Override
            public void stored(List<? extends Event> events) {
                ledger.stored(events);
            }

            @Override
            public void handedOff(List<? extends Event> events) {
                ledger.handedOff(events);
            }

            @Override
            public void postgresFailed() {
                storage.down().failed();
            }

            @Override
            public void postgresAnswered() {
                storage.down().succeeded();
            }
        };
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
                delivery.deliver(batch);
            } catch (RuntimeException e) {
                LOG.error("event log: unexpected failure delivering {} overflow events; holding them", batch.size(), e);
                delivery.hold(batch);
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
                    delivery.deliver(writing);
                }
                if (System.currentTimeMillis() >= nextReplay) {
                    boolean pending = delivery.replay();
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
            delivery.deliver(batch);
        }
    }

    /** True when nothing is queued in memory, buffered in Redis or spooled on disk (tests and benchmarks wait for it). */
    public boolean drained() {
        try {
            return idleThrough == enqueued.get() && queue.isEmpty() && overflow.isEmpty() && !overflowDraining.get()
                    && delivery.empty();
        } catch (Exception e) {
            return false;
        }
    }

    public long storedCount() {
        return delivery.storedCount();
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
            delivery.deliver(rest);
        }
        if (delivery.heldCount() > 0) {
            LOG.error("event log: {} events could be stored neither in PostgreSQL, Redis nor the spool and are lost at shutdown",
                    delivery.heldCount());
        }
    }
}
