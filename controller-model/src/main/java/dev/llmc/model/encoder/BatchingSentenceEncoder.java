package dev.llmc.model.encoder;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SentenceEncoder} that encodes the texts of concurrent callers together: dynamic batches, grouped by token
 * count so that little of each batch is padding, behind a bounded queue that refuses work it could not finish soon.
 *
 * <p>Each text waits at most {@link EncoderSettings#batchWindow()} for others of similar length before a free worker
 * encodes its bucket; a bucket that reaches {@link EncoderSettings#maxBatch()} goes at once. Callers tokenize on
 * their own threads, so workers only run the model. The encoder owns the wrapped engine and closes it.
 */
public final class BatchingSentenceEncoder implements SentenceEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(BatchingSentenceEncoder.class);
    /** Weight of the newest batch in the moving average of encode time per text, used for Retry-After. */
    private static final double RATE_SMOOTHING = 0.1;

    private final OnnxSentenceEncoder engine;
    private final EncoderSettings options;
    private final BatchListener listener;
    private final long windowNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Bucket b holds texts of (b·width, (b+1)·width] tokens, oldest first. Guarded by lock. */
    private final List<ArrayDeque<Pending>> buckets;
    private final List<Thread> workers = new ArrayList<>();
    private int queued;
    /** Workers waiting for a batch. Guarded by lock. */
    private int idle;
    private boolean closed;
    private volatile double nanosPerText;

    private record Pending(TokenizedText tokens, long enqueuedNanos, CompletableFuture<float[]> result) {
    }

    public BatchingSentenceEncoder(OnnxSentenceEncoder engine, EncoderSettings options, BatchListener listener) {
        this.engine = engine;
        this.options = options;
        this.listener = listener;
        this.windowNanos = options.batchWindow().toNanos();
        int bucketCount = Math.ceilDiv(engine.maxTokens(), Math.min(options.bucketWidth(), engine.maxTokens()));
        this.buckets = new ArrayList<>(bucketCount);
        for (int b = 0; b < bucketCount; b++) {
            buckets.add(new ArrayDeque<>());
        }
        for (int w = 0; w < options.effectiveWorkers(); w++) {
            Thread worker = Thread.ofPlatform().name("llmc-encoder-batcher-" + w).daemon().unstarted(this::work);
            workers.add(worker);
            worker.start();
        }
    }

    public EncoderSettings options() {
        return options;
    }

    /** Where the wrapped engine runs, e.g. {@code "CPU"}. */
    public String device() {
        return engine.device();
    }

    /** Texts waiting for a batch now. */
    public int queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int dimension() {
        return engine.dimension();
    }

    @Override
    public String id() {
        return engine.id();
    }

    /**
     * Queues the texts, waits for their batches and returns their embeddings in order.
     *
     * @throws EncoderOverloadedException when the queue has no room for them; a request larger than the whole queue
     *                                    is admitted only into an empty queue, so it can always run eventually
     */
    @Override
    public List<float[]> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TokenizedText> inputs = new ArrayList<>(texts.size());
        for (String text : texts) {
            inputs.add(engine.tokenize(text));
        }
        List<float[]> embeddings = new ArrayList<>(inputs.size());
        for (CompletableFuture<float[]> result : enqueue(inputs)) {
            embeddings.add(await(result));
        }
        return embeddings;
    }

    private List<CompletableFuture<float[]>> enqueue(List<TokenizedText> inputs) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the encoder is closed");
            }
            if (queued > 0 && queued + inputs.size() > options.queueCapacity()) {
                listener.rejected(inputs.size());
                throw new EncoderOverloadedException(queued, options.queueCapacity(), retryAfter());
            }
            long now = System.nanoTime();
            List<CompletableFuture<float[]>> results = new ArrayList<>(inputs.size());
            for (TokenizedText tokens : inputs) {
                CompletableFuture<float[]> result = new CompletableFuture<>();
                buckets.get(bucketOf(tokens)).addLast(new Pending(tokens, now, result));
                results.add(result);
            }
            queued += inputs.size();
            changed.signalAll();
            return results;
        } finally {
            lock.unlock();
        }
    }

    private int bucketOf(TokenizedText tokens) {
        return Math.min(buckets.size() - 1, (tokens.length() - 1) / options.bucketWidth());
    }

    /** The time the current queue takes to drain at the recent encode rate, rounded up to whole seconds. */
    private Duration retryAfter() {
        long seconds = (long) Math.ceil(queued * nanosPerText / options.effectiveWorkers() / 1e9);
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    private static float[] await(CompletableFuture<float[]> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the encoder", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Encoder inference failed", e.getCause());
        }
    }

    private void work() {
        while (true) {
            List<Pending> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch == null) {
                return;
            }
            encode(batch);
        }
    }

    /**
     * Blocks until a batch is due and takes it: the bucket of the oldest text once that text has waited the window,
     * otherwise any full bucket; null once closed.
     */
    private List<Pending> nextBatch() throws InterruptedException {
        lock.lock();
        idle++;
        try {
            while (!closed) {
                ArrayDeque<Pending> oldest = null;
                ArrayDeque<Pending> full = null;
                for (ArrayDeque<Pending> bucket : buckets) {
                    Pending head = bucket.peekFirst();
                    if (head == null) {
                        continue;
                    }
                    if (oldest == null || head.enqueuedNanos() - oldest.peekFirst().enqueuedNanos() < 0) {
                        oldest = bucket;
                    }
                    if (bucket.size() >= options.maxBatch() && full == null) {
                        full = bucket;
                    }
                }
                if (oldest == null) {
                    changed.await();
                    continue;
                }
                long remaining = oldest.peekFirst().enqueuedNanos() + windowNanos - System.nanoTime();
                if (remaining <= 0) {
                    return take(oldest);
                }
                if (full != null) {
                    return take(full);
                }
                changed.awaitNanos(remaining);
            }
            return null;
        } finally {
            idle--;
            lock.unlock();
        }
    }

    /**
     * Takes up to a batch from the bucket, shared out with the other idle workers: on a CPU a pass costs about the same
     * per text whatever its batch size, so two half batches on two idle cores finish in half the time of one.
     */
    private List<Pending> take(ArrayDeque<Pending> bucket) {
        int size = Math.min(Math.ceilDiv(bucket.size(), idle), options.maxBatch());
        List<Pending> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            batch.add(bucket.pollFirst());
        }
        queued -= size;
        if (!bucket.isEmpty()) {
            // Wake the idle workers the rest was left for.
            changed.signalAll();
        }
        return batch;
    }

    private void encode(List<Pending> batch) {
        long start = System.nanoTime();
        List<TokenizedText> inputs = new ArrayList<>(batch.size());
        int tokens = 0;
        int longest = 0;
        for (Pending pending : batch) {
            inputs.add(pending.tokens());
            tokens += pending.tokens().length();
            longest = Math.max(longest, pending.tokens().length());
        }
        List<float[]> embeddings;
        try {
            embeddings = engine.embedTokenized(inputs);
        } catch (RuntimeException e) {
            LOG.warn("Encoding a batch of {} texts failed", batch.size(), e);
            batch.forEach(pending -> pending.result().completeExceptionally(e));
            return;
        }
        long encodeNanos = System.nanoTime() - start;
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(embeddings.get(i));
        }
        double perText = (double) encodeNanos / batch.size();
        // Workers may race on this update; a lost update only blurs an estimate.
        nanosPerText = nanosPerText == 0 ? perText : nanosPerText + RATE_SMOOTHING * (perText - nanosPerText);
        try {
            for (Pending pending : batch) {
                listener.queueWait(start - pending.enqueuedNanos());
            }
            listener.batchEncoded(new BatchStats(batch.size(), tokens, batch.size() * longest, encodeNanos));
        } catch (RuntimeException e) {
            // Metrics must never stop the encoder.
            LOG.warn("Batch listener failed", e);
        }
    }

    /** Stops the workers, fails texts still queued and closes the engine. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (ArrayDeque<Pending> bucket : buckets) {
                bucket.forEach(pending -> pending.result().completeExceptionally(new IllegalStateException("the encoder is closed")));
                bucket.clear();
            }
            queued = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread worker : workers) {
            try {
                // A worker in the middle of a batch finishes it first.
                if (!worker.join(Duration.ofSeconds(10))) {
                    LOG.warn("Encoder worker {} did not stop within 10 s", worker.getName());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        engine.close();
    }
}
