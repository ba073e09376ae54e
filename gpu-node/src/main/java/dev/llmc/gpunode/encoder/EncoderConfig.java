package dev.llmc.gpunode.encoder;

import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.encoder.EncoderSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Encoder settings under {@code llmc.encoder}, bound as they come and turned into {@link EncoderSettings}, which
 * validates them and documents each key (the same keys, defaults and meanings as the gateway's in-process encoder):
 * {@code model} is {@code minilm} (the default) or {@code static}; {@code threads} and {@code workers} of 0 mean one per core; {@code device} is {@code auto}, {@code cpu} or {@code gpu}.
 */
@ConfigurationProperties("llmc.encoder")
public record EncoderConfig(@Bindable(defaultValue = "minilm") String model,
                            @Bindable(defaultValue = EncoderSettings.DEFAULT_MAX_TOKENS) int maxTokens,
                            @Bindable(defaultValue = EncoderSettings.DEFAULT_THREADS) int threads,
                            @Bindable(defaultValue = EncoderSettings.DEFAULT_DEVICE) String device,
                            @Bindable(defaultValue = EncoderSettings.DEFAULT_BATCH_WINDOW) Duration batchWindow,
                            @Bindable(defaultValue = EncoderSettings.DEFAULT_MAX_BATCH) int maxBatch,
                            @Bindable(defaultValue = EncoderSettings.DEFAULT_BUCKET_WIDTH) int bucketWidth,
                            @Bindable(defaultValue = EncoderSettings.DEFAULT_QUEUE_CAPACITY) int queueCapacity,
                            @Bindable(defaultValue = EncoderSettings.DEFAULT_WORKERS) int workers) {

    public EncoderConfig {
        EncoderModel.named(model);
        settings(maxTokens, threads, device, batchWindow, maxBatch, bucketWidth, queueCapacity, workers);
    }

    /** The encoder served: MiniLM by default (GPU hosts), or the static one a CPU-only node can serve. */
    EncoderModel encoderModel() {
        return EncoderModel.named(model);
    }

    EncoderSettings settings() {
        return settings(maxTokens, threads, device, batchWindow, maxBatch, bucketWidth, queueCapacity, workers);
    }

    private static EncoderSettings settings(int maxTokens, int threads, String device, Duration batchWindow, int maxBatch,
                                            int bucketWidth, int queueCapacity, int workers) {
        return new EncoderSettings(maxTokens, threads, EncoderSettings.device(device), batchWindow, maxBatch, bucketWidth,
                queueCapacity, workers);
    }
}
