package dev.llmc.model.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A sentence encoder without a network: e = u / ‖u‖ with u the sum of one learned vector per token (MiniLM's own
 * WordPiece tokens, [CLS] and [SEP] included, truncated like MiniLM keeping the end). The vectors are distilled
 * from all-MiniLM-L6-v2 ({@code llmc-tools encoder distill}), so e approximates MiniLM's embedding in the same 384
 * dimensions without a matrix product (the cost is tokenizing, in plain Java); thread-safe.
 */
public final class StaticSentenceEncoder implements SentenceEncoder {

    /** The committed table, built by {@code llmc-tools encoder distill} (command and checksum in docs/encoders.md). */
    public static final String RESOURCE = "/static-minilm-v2.bin.gz";

    private final MiniLmTokenizer tokenizer;
    private final StaticTokenTable table;
    private final int maxTokens;

    public StaticSentenceEncoder(MiniLmTokenizer tokenizer, StaticTokenTable table, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be at least 2 ([CLS] and [SEP]), was " + maxTokens);
        }
        this.tokenizer = tokenizer;
        this.table = table;
        this.maxTokens = maxTokens;
    }

    /** Loads the committed table from the classpath; the tokenizer stays owned by the caller. */
    public static StaticSentenceEncoder load(MiniLmTokenizer tokenizer, int maxTokens) {
        try (InputStream in = StaticSentenceEncoder.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Static encoder resource " + RESOURCE + " is not on the classpath");
            }
            return new StaticSentenceEncoder(tokenizer, StaticTokenTable.read(in), maxTokens);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    @Override
    public int dimension() {
        return table.dimension();
    }

    @Override
    public String id() {
        return EncoderModel.STATIC.id();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> embeddings = new ArrayList<>(texts.size());
        for (String text : texts) {
            embeddings.add(embedContentTokens(tokenizer.tokenize(text).ids()));
        }
        return embeddings;
    }

    /** Embeds a text already tokenized (content ids, no [CLS] and [SEP]), truncated like MiniLM keeping the end. */
    public float[] embedContentTokens(int[] contentIds) {
        return embedTokens(tokenizer.withSpecialTokens(contentIds, maxTokens));
    }

    /** The normalised sum of the tokens' vectors (ids beyond the table count as nothing). */
    public float[] embedTokens(long[] ids) {
        int dimension = table.dimension();
        float[] vectors = table.vectors();
        float[] sum = new float[dimension];
        for (long id : ids) {
            if (id >= 0 && id < table.vocabularySize()) {
                int offset = (int) id * dimension;
                for (int d = 0; d < dimension; d++) {
                    sum[d] += vectors[offset + d];
                }
            }
        }
        double squares = 0;
        for (float v : sum) {
            squares += (double) v * v;
        }
        float inverse = (float) (1 / Math.max(Math.sqrt(squares), 1e-12));
        for (int d = 0; d < dimension; d++) {
            sum[d] *= inverse;
        }
        return sum;
    }

    @Override
    public void close() {
        // The table is plain heap memory; the tokenizer belongs to the caller.
    }
}
