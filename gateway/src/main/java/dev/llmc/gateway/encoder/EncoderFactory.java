package dev.llmc.gateway.encoder;

import dev.llmc.gateway.config.EncoderConfig;
import dev.llmc.gateway.config.StartupRefusedException;
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
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.MalformedURLException;
import java.net.URI;

/** Builds e(C): the conversation formatter always runs here; the sentence encoder runs in-process or on a gpu-node. */
@Factory
final class EncoderFactory {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderFactory.class);

    @Singleton
    MiniLmTokenizer tokenizer() {
        return MiniLmTokenizer.load();
    }

    // Loaded at start-up so the first request does not pay for model loading.
    @Context
    @Bean(preDestroy = "close")
    SentenceEncoder sentenceEncoder(EncoderConfig config, MiniLmTokenizer tokenizer, MeterRegistry registry) {
        if (config.remote()) {
            LOG.info("encoder: remote gpu-node at {} serving {} (max {} tokens)", config.url(), config.encoderModel().id(),
                    config.maxTokens());
            return new RemoteSentenceEncoder(httpClient(config), config.url(), config.encoderModel().id());
        }
        if (config.encoderModel() == EncoderModel.STATIC) {
            // Microseconds per text on the request thread: a batching queue would only add its window.
            LOG.info("encoder: in-process {} (static token vectors distilled from all-MiniLM-L6-v2), max {} tokens",
                    EncoderModel.STATIC.id(), config.maxTokens());
            return StaticSentenceEncoder.load(tokenizer, config.maxTokens());
        }
        EncoderSettings settings = config.settings();
        OnnxSentenceEncoder engine = OnnxSentenceEncoder.load(tokenizer, settings);
        LOG.info("encoder: in-process all-MiniLM-L6-v2 on OnnxRuntime, {}, {} intra-op threads, max {} tokens;"
                        + " batches of up to {} texts within {} ms, length buckets of {} tokens, {} worker(s), queue of {} texts",
                engine.device(), settings.effectiveThreads(), settings.maxTokens(), settings.maxBatch(),
                settings.batchWindow().toNanos() / 1e6, settings.bucketWidth(), settings.effectiveWorkers(), settings.queueCapacity());
        // The same meters as a gpu-node's (llmc_encoder_*), in the gateway's registry.
        MicrometerBatchListener metrics = new MicrometerBatchListener(registry);
        BatchingSentenceEncoder encoder = new BatchingSentenceEncoder(engine, settings, metrics);
        metrics.monitorQueue(encoder);
        return encoder;
    }

    @Singleton
    ConversationEncoder conversationEncoder(EncoderConfig config, MiniLmTokenizer tokenizer, SentenceEncoder encoder) {
        return new ConversationEncoder(new ConversationFormatter(tokenizer, config.maxTokens()), encoder);
    }

    private static HttpClient httpClient(EncoderConfig config) {
        DefaultHttpClientConfiguration http = new DefaultHttpClientConfiguration();
        http.setReadTimeout(config.timeout());
        http.setConnectTimeout(config.timeout());
        try {
            return HttpClient.create(URI.create(config.url()).toURL(), http);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new StartupRefusedException("llmc.encoder.url is not a valid URL: " + config.url());
        }
    }
}
