package dev.llmc.gpunode.encoder;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Encoder settings under {@code llmc.encoder}: how many tokens of a text the encoder reads and how many threads it uses.
 *
 * @param maxTokens tokens kept per text (the end of a longer text is kept); all-MiniLM-L6-v2 accepts at most 512
 * @param threads   OnnxRuntime intra-op threads; defaults to the number of available processors
 */
@ConfigurationProperties("llmc.encoder")
public record EncoderConfig(@Bindable(defaultValue = "128") int maxTokens, @Nullable Integer threads) {

    private static final int MODEL_MAX_TOKENS = 512;

    public EncoderConfig {
        if (maxTokens < 8 || maxTokens > MODEL_MAX_TOKENS) {
            throw new IllegalArgumentException(
                    "llmc.encoder.max-tokens must be between 8 and " + MODEL_MAX_TOKENS + ", got " + maxTokens);
        }
        if (threads == null) {
            threads = Runtime.getRuntime().availableProcessors();
        } else if (threads < 1) {
            throw new IllegalArgumentException("llmc.encoder.threads must be at least 1, got " + threads);
        }
    }
}
