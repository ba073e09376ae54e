package dev.llmc.model.encoder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * Publishes the batching encoder's behaviour as Micrometer meters, under the same names in gpu-node and in the
 * gateway's in-process encoder (see gpu-node's README); the padding ratio over any interval is the growth of
 * {@code llmc_encoder_tokens_total{kind="padding"}} over all kinds.
 */
public final class MicrometerBatchListener implements BatchListener {

    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final DistributionSummary paddingRatio;
    private final Timer queueWait;
    private final Timer encodeLatency;
    private final Counter realTokens;
    private final Counter paddingTokens;
    private final Counter rejected;

    public MicrometerBatchListener(MeterRegistry registry) {
        this.registry = registry;
        batchSize = DistributionSummary.builder("llmc.encoder.batch.size")
                .description("Texts per encoder forward pass")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        paddingRatio = DistributionSummary.builder("llmc.encoder.batch.padding.ratio")
                .description("Pad tokens / all tokens of each forward pass")
                .register(registry);
        queueWait = Timer.builder("llmc.encoder.queue.wait")
                .description("Time a text waited for its batch")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        encodeLatency = Timer.builder("llmc.encoder.encode.latency")
                .description("Time of one forward pass with pooling")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        realTokens = tokens(registry, "real");
        paddingTokens = tokens(registry, "padding");
        rejected = Counter.builder("llmc.encoder.rejected")
                .description("Texts refused because the encoder queue was full (503)")
                .baseUnit("texts")
                .register(registry);
    }

    /** Adds the gauge of texts waiting in the encoder this listener observes. */
    public void monitorQueue(BatchingSentenceEncoder encoder) {
        Gauge.builder("llmc.encoder.queue.depth", encoder, BatchingSentenceEncoder::queued)
                .description("Texts waiting for an encoder batch")
                .register(registry);
    }

    private static Counter tokens(MeterRegistry registry, String kind) {
        return Counter.builder("llmc.encoder.tokens")
                .description("Tokens computed by the encoder, real or padding")
                .tag("kind", kind)
                .register(registry);
    }

    @Override
    public void queueWait(long nanos) {
        queueWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void batchEncoded(BatchStats stats) {
        batchSize.record(stats.size());
        paddingRatio.record(stats.paddingRatio());
        encodeLatency.record(stats.encodeNanos(), TimeUnit.NANOSECONDS);
        realTokens.increment(stats.tokens());
        paddingTokens.increment(stats.paddedTokens() - stats.tokens());
    }

    @Override
    public void rejected(int texts) {
        rejected.increment(texts);
    }
}
