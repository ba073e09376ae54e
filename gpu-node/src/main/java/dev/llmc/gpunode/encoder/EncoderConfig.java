package dev.llmc.gpunode.encoder;

import dev.llmc.model.encoder.BatchingOptions;
import dev.llmc.model.encoder.OnnxSentenceEncoder.DeviceChoice;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;
import java.util.Locale;

/**
 * Encoder settings under {@code llmc.encoder}: input length, device, threads, and how requests are batched.
 *
 * @param maxTokens     tokens kept per text (the end of a longer text is kept); all-MiniLM-L6-v2 accepts at most 512
 * @param threads       OnnxRuntime intra-op threads per forward pass
 * @param device        {@code auto} (a CUDA GPU when OnnxRuntime reports one, else the CPU), {@code cpu} or {@code gpu}
 * @param batchWindow   longest time a text waits for others to share its batch
 * @param maxBatch      most texts per forward pass
 * @param bucketWidth   texts whose token counts fall in the same bucket of this width are batched together
 * @param queueCapacity most texts waiting for a batch; beyond it requests get 503 with Retry-After
 * @param workers       batches encoded at the same time; defaults to the number of available processors
 */
@ConfigurationProperties("llmc.encoder")
public record EncoderConfig(@Bindable(defaultValue = "128") int maxTokens,
                            @Bindable(defaultValue = "1") int threads,
                            @Bindable(defaultValue = "auto") String device,
                            @Bindable(defaultValue = "2ms") Duration batchWindow,
                            @Bindable(defaultValue = "16") int maxBatch,
                            @Bindable(defaultValue = "16") int bucketWidth,
                            @Bindable(defaultValue = "128") int queueCapacity,
                            @Nullable Integer workers) {

    private static final int MODEL_MAX_TOKENS = 512;

    public EncoderConfig {
        if (maxTokens < 8 || maxTokens > MODEL_MAX_TOKENS) {
            throw new IllegalArgumentException(
                    "llmc.encoder.max-tokens must be between 8 and " + MODEL_MAX_TOKENS + ", got " + maxTokens);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("llmc.encoder.threads must be at least 1, got " + threads);
        }
        deviceChoice(device);
        if (batchWindow.isNegative() || batchWindow.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("llmc.encoder.batch-window must be between 0 and 1s, got " + batchWindow);
        }
        if (maxBatch < 1 || maxBatch > BatchingOptions.MAX_BATCH_LIMIT) {
            throw new IllegalArgumentException(
                    "llmc.encoder.max-batch must be between 1 and " + BatchingOptions.MAX_BATCH_LIMIT + ", got " + maxBatch);
        }
        if (bucketWidth < 1) {
            throw new IllegalArgumentException("llmc.encoder.bucket-width must be at least 1 token, got " + bucketWidth);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("llmc.encoder.queue-capacity must be at least 1, got " + queueCapacity);
        }
        if (workers == null) {
            // One single-threaded pass per core beat one pass on every core (main README, Benchmarks).
            workers = Runtime.getRuntime().availableProcessors();
        } else if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("llmc.encoder.workers must be between 1 and 64, got " + workers);
        }
    }

    DeviceChoice deviceChoice() {
        return deviceChoice(device);
    }

    BatchingOptions batching() {
        return new BatchingOptions(batchWindow, maxBatch, queueCapacity, bucketWidth, workers);
    }

    private static DeviceChoice deviceChoice(String device) {
        return switch (device.toLowerCase(Locale.ROOT)) {
            case "auto" -> DeviceChoice.AUTO;
            case "cpu" -> DeviceChoice.CPU;
            case "gpu" -> DeviceChoice.GPU;
            default -> throw new IllegalArgumentException(
                    "llmc.encoder.device must be 'auto', 'cpu' or 'gpu', got '" + device + "'");
        };
    }
}
