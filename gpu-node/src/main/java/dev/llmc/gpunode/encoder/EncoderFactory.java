package dev.llmc.gpunode.encoder;

import dev.llmc.model.encoder.BatchingSentenceEncoder;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.encoder.ConversationFormatter;
import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.encoder.EncoderSettings;
import dev.llmc.model.encoder.MicrometerBatchListener;
import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.encoder.OnnxSentenceEncoder;
import dev.llmc.model.encoder.SentenceEncoder;
import dev.llmc.model.encoder.StaticSentenceEncoder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the encoder beans once per process and closes their native resources on shutdown. */
@Factory
public class EncoderFactory {

    private static final Logger LOG = LoggerFactory.getLogger(EncoderFactory.class);

    // @Context: a missing or unreadable tokenizer resource fails start-up, not the first request.
    @Context
    MiniLmTokenizer tokenizer() {
        return MiniLmTokenizer.load();
    }

    /** Every caller (HTTP requests, retrieval) shares one batching queue in front of the engine. */
    @Context
    @Bean(preDestroy = "close")
    SentenceEncoder sentenceEncoder(MiniLmTokenizer tokenizer, EncoderConfig config, MeterRegistry registry) {
        EncoderSettings settings = config.settings();
        if (config.encoderModel() == EncoderModel.STATIC) {
            LOG.info("Encoder {} (static token vectors, {} tokens per text): no batching, microseconds per text",
                    EncoderModel.STATIC.id(), settings.maxTokens());
            return StaticSentenceEncoder.load(tokenizer, settings.maxTokens());
        }
        OnnxSentenceEncoder engine = OnnxSentenceEncoder.load(tokenizer, settings);
        MicrometerBatchListener metrics = new MicrometerBatchListener(registry);
        BatchingSentenceEncoder encoder = new BatchingSentenceEncoder(engine, settings, metrics);
        metrics.monitorQueue(encoder);
        LOG.info("Encoder {} ({} dimensions) on {}: {} intra-op threads, {} tokens per text; batches of up to {} texts"
                        + " within {} ms, length buckets of {} tokens, {} worker(s), queue of {} texts",
                encoder.id(), encoder.dimension(), engine.device(), settings.effectiveThreads(), settings.maxTokens(),
                settings.maxBatch(), settings.batchWindow().toNanos() / 1e6, settings.bucketWidth(), settings.effectiveWorkers(),
                settings.queueCapacity());
        return encoder;
    }

    @Singleton
    ConversationFormatter conversationFormatter(MiniLmTokenizer tokenizer, EncoderConfig config) {
        return new ConversationFormatter(tokenizer, config.maxTokens());
    }

    @Singleton
    ConversationEncoder conversationEncoder(ConversationFormatter formatter, SentenceEncoder encoder) {
        return new ConversationEncoder(formatter, encoder);
    }
}
