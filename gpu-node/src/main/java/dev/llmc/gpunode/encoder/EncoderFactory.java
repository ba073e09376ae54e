package dev.llmc.gpunode.encoder;

import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.encoder.ConversationFormatter;
import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.encoder.OnnxSentenceEncoder;
import dev.llmc.model.encoder.SentenceEncoder;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the encoder beans once per process and closes their native resources on shutdown. */
@Factory
public class EncoderFactory {

    /** The name {@code /v1/embeddings} reports as its model. */
    public static final String MODEL_NAME = "all-minilm-l6-v2";

    private static final Logger LOG = LoggerFactory.getLogger(EncoderFactory.class);

    // @Context: loading the native libraries and weights fails or succeeds at start-up, not on the first request.
    @Context
    @Bean(preDestroy = "close")
    MiniLmTokenizer tokenizer() {
        return MiniLmTokenizer.load();
    }

    @Context
    @Bean(preDestroy = "close")
    SentenceEncoder sentenceEncoder(MiniLmTokenizer tokenizer, EncoderConfig config) {
        OnnxSentenceEncoder encoder = OnnxSentenceEncoder.load(tokenizer, config.maxTokens(), config.threads());
        // GPU execution (OnnxRuntime's CUDA provider) is not wired yet, so the device is always the CPU.
        LOG.info("Encoder {} ({} dimensions) on CPU: {} threads, {} tokens per text",
                MODEL_NAME, encoder.dimension(), config.threads(), config.maxTokens());
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
