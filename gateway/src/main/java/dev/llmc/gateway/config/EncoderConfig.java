package dev.llmc.gateway.config;

import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.encoder.EncoderSettings;
import dev.llmc.model.encoder.OnnxSentenceEncoder.DeviceChoice;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * The conversation encoder ({@code llmc.encoder.*}): which one ({@code model}: {@code static}, the default, or
 * {@code minilm}), in this process ({@code in-process}; MiniLM dynamically batched like a gpu-node's) or a gpu-node's
 * {@code /v1/embeddings} ({@code remote}, at {@code url}, which must serve the same model). The engine and batching keys
 * are {@link EncoderSettings}' (validated and defaulted there, the same as a gpu-node's); the device is chosen
 * automatically here.
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.encoder")
public record EncoderConfig(
        @Bindable(defaultValue = "in-process") String mode,
        @Bindable(defaultValue = EncoderModel.DEFAULT_NAME) String model,
        @Nullable String url,
        @Bindable(defaultValue = EncoderSettings.DEFAULT_MAX_TOKENS) int maxTokens,
        @Bindable(defaultValue = EncoderSettings.DEFAULT_THREADS) int threads,
        @Bindable(defaultValue = "5s") Duration timeout,
        @Bindable(defaultValue = EncoderSettings.DEFAULT_BATCH_WINDOW) Duration batchWindow,
        @Bindable(defaultValue = EncoderSettings.DEFAULT_MAX_BATCH) int maxBatch,
        @Bindable(defaultValue = EncoderSettings.DEFAULT_BUCKET_WIDTH) int bucketWidth,
        @Bindable(defaultValue = EncoderSettings.DEFAULT_QUEUE_CAPACITY) int queueCapacity,
        @Bindable(defaultValue = EncoderSettings.DEFAULT_WORKERS) int workers) {

    public EncoderConfig {
        if (!mode.equals("in-process") && !mode.equals("remote")) {
            throw new StartupRefusedException("llmc.encoder.mode must be 'in-process' or 'remote', was '" + mode + "'");
        }
        if (mode.equals("remote") && (url == null || url.isBlank())) {
            throw new StartupRefusedException("llmc.encoder.mode is 'remote' but llmc.encoder.url (LLMC_ENCODER_URL) is not set");
        }
        encoderModel(model);
        settings(maxTokens, threads, batchWindow, maxBatch, bucketWidth, queueCapacity, workers);
    }

    /** The encoder that computes e(C): in this process, or the one the gpu-node at {@code url} must serve. */
    public EncoderModel encoderModel() {
        return encoderModel(model);
    }

    private static EncoderModel encoderModel(String model) {
        try {
            return EncoderModel.named(model);
        } catch (IllegalArgumentException e) {
            throw new StartupRefusedException(e.getMessage());
        }
    }

    public boolean remote() {
        return mode.equals("remote");
    }

    /** The in-process encoder's settings (max-tokens also bounds what the formatter sends a remote encoder). */
    public EncoderSettings settings() {
        return settings(maxTokens, threads, batchWindow, maxBatch, bucketWidth, queueCapacity, workers);
    }

    private static EncoderSettings settings(int maxTokens, int threads, Duration batchWindow, int maxBatch, int bucketWidth,
                                            int queueCapacity, int workers) {
        try {
            return new EncoderSettings(maxTokens, threads, DeviceChoice.AUTO, batchWindow, maxBatch, bucketWidth,
                    queueCapacity, workers);
        } catch (IllegalArgumentException e) {
            throw new StartupRefusedException(e.getMessage());
        }
    }
}
