package dev.llmc.model.encoder;

import dev.llmc.model.encoder.OnnxSentenceEncoder.DeviceChoice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The encoder settings both applications bind: one set of rules, errors that name the key. */
class EncoderSettingsTest {
    private static final EncoderSettings DEFAULTS = EncoderSettings.defaults();

    private static EncoderSettings with(UnaryOperator<Builder> change) {
        return change.apply(new Builder()).build();
    }

    /** Copies the defaults with one value changed. */
    private static final class Builder {
        int maxTokens = DEFAULTS.maxTokens();
        int threads = DEFAULTS.threads();
        DeviceChoice device = DEFAULTS.device();
        Duration batchWindow = DEFAULTS.batchWindow();
        int maxBatch = DEFAULTS.maxBatch();
        int bucketWidth = DEFAULTS.bucketWidth();
        int queueCapacity = DEFAULTS.queueCapacity();
        int workers = DEFAULTS.workers();

        EncoderSettings build() {
            return new EncoderSettings(maxTokens, threads, device, batchWindow, maxBatch, bucketWidth, queueCapacity, workers);
        }
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertEquals(new EncoderSettings(128, 1, DeviceChoice.AUTO, Duration.ofMillis(2), 16, 16, 128, 0), DEFAULTS);
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                Arguments.of("max-tokens", (UnaryOperator<Builder>) b -> { b.maxTokens = 7; return b; }),
                Arguments.of("max-tokens", (UnaryOperator<Builder>) b -> { b.maxTokens = 513; return b; }),
                Arguments.of("threads", (UnaryOperator<Builder>) b -> { b.threads = -1; return b; }),
                Arguments.of("device", (UnaryOperator<Builder>) b -> { b.device = null; return b; }),
                Arguments.of("batch-window", (UnaryOperator<Builder>) b -> { b.batchWindow = Duration.ofMillis(-1); return b; }),
                Arguments.of("batch-window", (UnaryOperator<Builder>) b -> { b.batchWindow = Duration.ofMillis(1001); return b; }),
                Arguments.of("max-batch", (UnaryOperator<Builder>) b -> { b.maxBatch = 0; return b; }),
                Arguments.of("max-batch", (UnaryOperator<Builder>) b -> { b.maxBatch = EncoderSettings.MAX_BATCH_LIMIT + 1; return b; }),
                Arguments.of("bucket-width", (UnaryOperator<Builder>) b -> { b.bucketWidth = 0; return b; }),
                Arguments.of("queue-capacity", (UnaryOperator<Builder>) b -> { b.queueCapacity = 0; return b; }),
                Arguments.of("workers", (UnaryOperator<Builder>) b -> { b.workers = -1; return b; }),
                Arguments.of("workers", (UnaryOperator<Builder>) b -> { b.workers = EncoderSettings.MAX_WORKERS + 1; return b; }));
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("invalidSettings")
    void rejectsAnOutOfRangeValueNamingItsKey(String key, UnaryOperator<Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(change));

        assertTrue(e.getMessage().startsWith("llmc.encoder." + key + " "), e.getMessage());
    }

    @Test
    void zeroThreadsMeansOnePerCore() {
        assertEquals(Runtime.getRuntime().availableProcessors(), with(b -> { b.threads = 0; return b; }).effectiveThreads());
    }

    @Test
    void zeroWorkersMeansOnePerCore() {
        assertEquals(Math.min(EncoderSettings.MAX_WORKERS, Runtime.getRuntime().availableProcessors()),
                with(b -> { b.workers = 0; return b; }).effectiveWorkers());
    }

    @Test
    void explicitThreadsAndWorkersAreKept() {
        EncoderSettings settings = with(b -> { b.threads = 3; b.workers = 5; return b; });

        assertEquals(3, settings.effectiveThreads());
        assertEquals(5, settings.effectiveWorkers());
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "CPU", "Gpu"})
    void readsADeviceNameInAnyCase(String name) {
        assertEquals(DeviceChoice.valueOf(name.toUpperCase(java.util.Locale.ROOT)), EncoderSettings.device(name));
    }

    @Test
    void rejectsAnUnknownDeviceNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderSettings.device("tpu"));

        assertTrue(e.getMessage().startsWith("llmc.encoder.device "), e.getMessage());
    }
}
