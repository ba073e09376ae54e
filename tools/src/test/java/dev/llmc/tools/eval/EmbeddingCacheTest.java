package dev.llmc.tools.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.encoder.OnnxSentenceEncoder;
import dev.llmc.model.encoder.SentenceEncoder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingCacheTest {

    private static MiniLmTokenizer tokenizer;
    private static OnnxSentenceEncoder encoder;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadEncoder() {
        tokenizer = MiniLmTokenizer.load();
        encoder = OnnxSentenceEncoder.load(tokenizer, 128, 1);
    }

    @AfterAll
    static void closeEncoder() {
        encoder.close();
    }

    /** The real encoder, counting the texts it is asked to embed. */
    private static final class CountingEncoder implements SentenceEncoder {
        final AtomicInteger texts = new AtomicInteger();

        @Override
        public int dimension() {
            return encoder.dimension();
        }

        @Override
        public String id() {
            return encoder.id();
        }

        @Override
        public List<float[]> embed(List<String> batch) {
            texts.addAndGet(batch.size());
            return encoder.embed(batch);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void secondRunReadsIdenticalVectorsFromDiskWithoutEncoding() {
        List<String> texts = List.of("user: How long should I knead bread dough?", "user: Fix my Python import error",
                "user: How long should I knead bread dough?");
        CountingEncoder first = new CountingEncoder();
        List<float[]> computed = new EmbeddingCache(dir, "test-encoder", first).embedAll(texts, (d, t, s) -> { });
        assertEquals(2, first.texts.get(), "duplicate texts are encoded once");

        CountingEncoder second = new CountingEncoder();
        List<float[]> cached = new EmbeddingCache(dir, "test-encoder", second).embedAll(texts, (d, t, s) -> { });
        assertEquals(0, second.texts.get());
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(computed.get(i), cached.get(i));
        }
    }

    @Test
    void anotherEncoderKeyDoesNotShareVectors() {
        List<String> texts = List.of("user: Which wine goes with fish?");
        new EmbeddingCache(dir, "encoder-a", new CountingEncoder()).embedAll(texts, (d, t, s) -> { });
        CountingEncoder other = new CountingEncoder();
        new EmbeddingCache(dir, "encoder-b", other).embedAll(texts, (d, t, s) -> { });
        assertEquals(1, other.texts.get());
    }
}
