package dev.llmc.model.encoder;

import dev.llmc.model.encoder.OnnxSentenceEncoder.DeviceChoice;

import java.time.Duration;
import java.util.Locale;

/**
 * How the sentence encoder runs and batches, the {@code llmc.encoder.*} settings the gateway (in-process mode) and a
 * gpu-node share: validated here once, with one meaning in both applications. The model is all-MiniLM-L6-v2 in both.
 *
 * @param maxTokens     tokens kept per text, [CLS] and [SEP] included (a longer text keeps its end); 8 to 512
 * @param threads       OnnxRuntime intra-op threads per forward pass; 0 means one per core
 * @param device        where the engine runs: {@code AUTO} (a CUDA GPU when OnnxRuntime reports one), {@code CPU}, {@code GPU}
 * @param batchWindow   longest time a queued text waits for others to join its batch (0 to 1s); zero sends whatever is queued
 * @param maxBatch      most texts per forward pass (1 to {@value #MAX_BATCH_LIMIT})
 * @param bucketWidth   texts whose token counts fall in the same bucket of this width share a batch, which bounds
 *                      padding; a width of at least {@code maxTokens} means a single bucket (no bucketing)
 * @param queueCapacity most texts waiting for a batch; callers beyond it get {@link EncoderOverloadedException}
 * @param workers       batches encoded at the same time (up to {@value #MAX_WORKERS}); 0 means one per core. On a CPU,
 *                      one worker per core with one intra-op thread each outran one pass on every core
 */
public record EncoderSettings(int maxTokens, int threads, DeviceChoice device, Duration batchWindow, int maxBatch,
                              int bucketWidth, int queueCapacity, int workers) {

    /** all-MiniLM-L6-v2's position embeddings end here. */
    public static final int MODEL_MAX_TOKENS = 512;
    /** Bounds one forward pass's activations (batch × tokens × 384 floats, plus attention's batch × 12 × tokens²). */
    public static final int MAX_BATCH_LIMIT = 256;
    public static final int MAX_WORKERS = 64;

    // Defaults as strings, so both applications' @Bindable(defaultValue = …) can name them.
    public static final String DEFAULT_MAX_TOKENS = "128";
    public static final String DEFAULT_THREADS = "1";
    public static final String DEFAULT_DEVICE = "auto";
    public static final String DEFAULT_BATCH_WINDOW = "2ms";
    public static final String DEFAULT_MAX_BATCH = "16";
    public static final String DEFAULT_BUCKET_WIDTH = "16";
    public static final String DEFAULT_QUEUE_CAPACITY = "128";
    public static final String DEFAULT_WORKERS = "0";

    /** @throws IllegalArgumentException naming the {@code llmc.encoder.*} key of the first invalid value */
    public EncoderSettings {
        if (maxTokens < 8 || maxTokens > MODEL_MAX_TOKENS) {
            throw invalid("max-tokens must be between 8 and " + MODEL_MAX_TOKENS, maxTokens);
        }
        if (threads < 0) {
            throw invalid("threads must be 0 (one per core) or more", threads);
        }
        if (device == null) {
            throw invalid("device must be 'auto', 'cpu' or 'gpu'", null);
        }
        if (batchWindow == null || batchWindow.isNegative() || batchWindow.compareTo(Duration.ofSeconds(1)) > 0) {
            throw invalid("batch-window must be between 0 and 1s", batchWindow);
        }
        if (maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT) {
            throw invalid("max-batch must be between 1 and " + MAX_BATCH_LIMIT, maxBatch);
        }
        if (bucketWidth < 1) {
            throw invalid("bucket-width must be at least 1 token", bucketWidth);
        }
        if (queueCapacity < 1) {
            throw invalid("queue-capacity must be at least 1", queueCapacity);
        }
        if (workers < 0 || workers > MAX_WORKERS) {
            throw invalid("workers must be 0 (one per core) to " + MAX_WORKERS, workers);
        }
    }

    /** Every setting at its default. */
    public static EncoderSettings defaults() {
        return new EncoderSettings(Integer.parseInt(DEFAULT_MAX_TOKENS), Integer.parseInt(DEFAULT_THREADS), DeviceChoice.AUTO,
                Duration.ofMillis(2), Integer.parseInt(DEFAULT_MAX_BATCH), Integer.parseInt(DEFAULT_BUCKET_WIDTH),
                Integer.parseInt(DEFAULT_QUEUE_CAPACITY), Integer.parseInt(DEFAULT_WORKERS));
    }

    /** {@code auto}, {@code cpu} or {@code gpu}, in any case, as configured under {@code llmc.encoder.device}. */
    public static DeviceChoice device(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "auto" -> DeviceChoice.AUTO;
            case "cpu" -> DeviceChoice.CPU;
            case "gpu" -> DeviceChoice.GPU;
            default -> throw invalid("device must be 'auto', 'cpu' or 'gpu'", "'" + name + "'");
        };
    }

    /** Intra-op threads per forward pass, with 0 resolved to the number of available processors. */
    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /** Concurrent batches, with 0 resolved to the number of available processors (at most {@value #MAX_WORKERS}). */
    public int effectiveWorkers() {
        return workers == 0 ? Math.min(MAX_WORKERS, Runtime.getRuntime().availableProcessors()) : workers;
    }

    private static IllegalArgumentException invalid(String rule, Object was) {
        return new IllegalArgumentException("llmc.encoder." + rule + ", was " + was);
    }
}
