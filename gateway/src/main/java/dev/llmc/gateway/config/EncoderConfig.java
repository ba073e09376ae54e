package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * The conversation encoder ({@code llmc.encoder.*}): in this process ({@code in-process}, dynamically batched like a
 * gpu-node's) or a gpu-node's {@code /v1/embeddings} ({@code remote}, at {@code url}).
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.encoder")
public record EncoderConfig(
        @Bindable(defaultValue = "in-process") String mode,
        @Nullable String url,
        @Bindable(defaultValue = "128") int maxTokens,
        @Bindable(defaultValue = "1") int threads,
        @Bindable(defaultValue = "5s") Duration timeout,
        @Bindable(defaultValue = "2ms") Duration batchWindow,
        @Bindable(defaultValue = "16") int maxBatch,
        @Bindable(defaultValue = "16") int bucketWidth,
        @Bindable(defaultValue = "128") int queueCapacity,
        @Bindable(defaultValue = "0") int workers) {

    public EncoderConfig {
        if (!mode.equals("in-process") && !mode.equals("remote")) {
            throw new StartupRefusedException("llmc.encoder.mode must be 'in-process' or 'remote', was '" + mode + "'");
        }
        if (mode.equals("remote") && (url == null || url.isBlank())) {
            throw new StartupRefusedException("llmc.encoder.mode is 'remote' but llmc.encoder.url (LLMC_ENCODER_URL) is not set");
        }
        if (maxTokens < 8 || maxTokens > 512) {
            throw new StartupRefusedException("llmc.encoder.max-tokens must be between 8 and 512, was " + maxTokens);
        }
        if (threads < 0) {
            throw new StartupRefusedException("llmc.encoder.threads must be 0 (all cores) or more, was " + threads);
        }
        if (batchWindow.isNegative() || batchWindow.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new StartupRefusedException("llmc.encoder.batch-window must be between 0 and 1s, was " + batchWindow);
        }
        if (maxBatch < 1 || maxBatch > 256) {
            throw new StartupRefusedException("llmc.encoder.max-batch must be between 1 and 256, was " + maxBatch);
        }
        if (bucketWidth < 1) {
            throw new StartupRefusedException("llmc.encoder.bucket-width must be at least 1 token, was " + bucketWidth);
        }
        if (queueCapacity < 1) {
            throw new StartupRefusedException("llmc.encoder.queue-capacity must be at least 1, was " + queueCapacity);
        }
        if (workers < 0 || workers > 64) {
            throw new StartupRefusedException("llmc.encoder.workers must be 0 (one per core) to 64, was " + workers);
        }
    }

    public boolean remote() {
        return mode.equals("remote");
    }

    /** Intra-op threads for the in-process engine; 0 means one per core. */
    public int effectiveThreads() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    /**
     * Batches the in-process engine encodes at once; 0 means one per core, which with one intra-op thread beat one
     * pass on every core (README, Benchmarks).
     */
    public int effectiveWorkers() {
        return workers == 0 ? Runtime.getRuntime().availableProcessors() : workers;
    }
}
