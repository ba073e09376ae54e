package dev.llmc.tools.eval;

import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationFormatter;
import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.encoder.OnnxSentenceEncoder;
import dev.llmc.model.encoder.SentenceEncoder;
import dev.llmc.model.encoder.StaticSentenceEncoder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * e(C) for evaluation prompts exactly as the gateway computes it: each prompt is a one-turn user conversation,
 * formatted by {@link ConversationFormatter} and embedded by the chosen encoder with the gateway's default token
 * limit; vectors come from the {@link EmbeddingCache} when present, and MiniLM's ONNX model is loaded only if some
 * prompt is not cached yet.
 */
public final class PromptEmbeddings {

    /** The gateway's default {@code llmc.encoder.max-tokens}. */
    public static final int MAX_TOKENS = 128;
    /** Changes whenever the model, the token limit or the formatting would change a vector (MiniLM's key predates ids). */
    public static String cacheKey(EncoderModel model) {
        return model == EncoderModel.MINILM
                ? "all-minilm-l6-v2-fp32-max" + MAX_TOKENS + "-conversation-v1"
                : model.id() + "-max" + MAX_TOKENS + "-conversation-v1";
    }

    private PromptEmbeddings() {
    }

    /** Embeds the prompts (cached on disk under cacheRoot), printing progress with rate and ETA to log. */
    public static List<float[]> embed(List<String> prompts, EncoderModel model, Path cacheRoot, PrintStream log) {
        MiniLmTokenizer tokenizer = MiniLmTokenizer.load();
        try (SentenceEncoder encoder = model == EncoderModel.STATIC
                        ? StaticSentenceEncoder.load(tokenizer, MAX_TOKENS)
                        : new LazyOnnxEncoder(tokenizer)) {
            ConversationFormatter formatter = new ConversationFormatter(tokenizer, MAX_TOKENS);
            List<String> texts = prompts.stream().map(p -> formatter.format(List.of(new ChatTurn("user", p)))).toList();
            EmbeddingCache cache = new EmbeddingCache(cacheRoot, cacheKey(model), encoder);
            return cache.embedAll(texts, (done, total, seconds) -> log.printf(
                    "embedding prompts: %d/%d (%.1f/s, ETA %.0f s)%n", done, total, done / Math.max(seconds, 1e-9),
                    (total - done) / Math.max(done / Math.max(seconds, 1e-9), 1e-9)));
        }
    }

    /** Loads the ONNX model on first use, so a fully cached run never pays for it. */
    private static final class LazyOnnxEncoder implements SentenceEncoder {
        private final MiniLmTokenizer tokenizer;
        private OnnxSentenceEncoder delegate;

        LazyOnnxEncoder(MiniLmTokenizer tokenizer) {
            this.tokenizer = tokenizer;
        }

        private synchronized SentenceEncoder delegate() {
            if (delegate == null) {
                delegate = OnnxSentenceEncoder.load(tokenizer, MAX_TOKENS, Runtime.getRuntime().availableProcessors());
            }
            return delegate;
        }

        @Override
        public int dimension() {
            return delegate().dimension();
        }

        @Override
        public String id() {
            return EncoderModel.MINILM.id();
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            return delegate().embed(texts);
        }

        @Override
        public synchronized void close() {
            if (delegate != null) {
                delegate.close();
            }
        }
    }
}
