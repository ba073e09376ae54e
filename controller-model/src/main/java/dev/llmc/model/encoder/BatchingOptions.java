package dev.llmc.model.encoder;

import java.time.Duration;

/**
 * How {@link BatchingSentenceEncoder} groups texts into batches.
 *
 * @param window        longest time a queued text waits for others to join its batch; zero sends whatever is queued
 * @param maxBatch      most texts per forward pass
 * @param queueCapacity most texts waiting for a batch; callers beyond it get {@link EncoderOverloadedException}
 * @param bucketWidth   texts whose token counts fall in the same bucket of this width share a batch, which bounds
 *                      padding; a width of at least the encoder's token limit means a single bucket (no bucketing)
 * @param workers       batches encoded at the same time; on a CPU, one worker per core with one intra-op thread each
 *                      outran one pass on every core (no threads waiting for each other inside a pass)
 */
public record BatchingOptions(Duration window, int maxBatch, int queueCapacity, int bucketWidth, int workers) {

    /** Bounds one forward pass's activations (batch × tokens × 384 floats, plus attention's batch × 12 × tokens²). */
    public static final int MAX_BATCH_LIMIT = 256;

    public BatchingOptions {
        if (window == null || window.isNegative() || window.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("batch window must be between 0 and 1s, was " + window);
        }
        if (maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT) {
            throw new IllegalArgumentException("max batch must be between 1 and " + MAX_BATCH_LIMIT + ", was " + maxBatch);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, was " + queueCapacity);
        }
        if (bucketWidth < 1) {
            throw new IllegalArgumentException("bucket width must be at least 1 token, was " + bucketWidth);
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be between 1 and 64, was " + workers);
        }
    }
}
