package dev.llmc.model.encoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;

/** all-MiniLM-L6-v2's WordPiece tokenizer (DJL HuggingFace tokenizers), loaded from the classpath, no network; thread-safe. */
public final class MiniLmTokenizer implements AutoCloseable {

    public static final String RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

    private final HuggingFaceTokenizer tokenizer;
    private final long clsId;
    private final long sepId;

    private MiniLmTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        // Read the special ids from the tokenizer itself rather than hard-coding BERT's 101/102.
        long[] specials = tokenizer.encode("", true, false).getIds();
        this.clsId = specials[0];
        this.sepId = specials[specials.length - 1];
    }

    /** Loads the tokenizer from resource {@value #RESOURCE} (shipped in langchain4j's MiniLM jar). */
    public static MiniLmTokenizer load() {
        System.getProperties().putIfAbsent("ai.djl.offline", "true");
        try (InputStream in = MiniLmTokenizer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Tokenizer resource " + RESOURCE + " is not on the classpath");
            }
            // The shipped tokenizer.json truncates and pads to 128 tokens; this class does both itself so
            // that truncation keeps the end of the text and padding is per batch.
            return new MiniLmTokenizer(HuggingFaceTokenizer.newInstance(in, Map.of(
                    "addSpecialTokens", "false",
                    "truncation", "false",
                    "padding", "false")));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read tokenizer resource " + RESOURCE, e);
        }
    }

    /** Number of content tokens in the text, without [CLS] and [SEP]. */
    public int countTokens(String text) {
        return contentIds(text).length;
    }

    /**
     * Returns [CLS] + content + [SEP], at most maxTokens ids in total; a text that is too long loses tokens from
     * the start of its content, because the end of a conversation carries the routing signal.
     */
    public TokenizedText encodeKeepingEnd(String text, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be at least 2 ([CLS] and [SEP]), was " + maxTokens);
        }
        long[] content = contentIds(text);
        int kept = Math.min(content.length, maxTokens - 2);
        long[] ids = new long[kept + 2];
        ids[0] = clsId;
        System.arraycopy(content, content.length - kept, ids, 1, kept);
        ids[kept + 1] = sepId;
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1L);
        return new TokenizedText(ids, mask, new long[ids.length]);
    }

    /**
     * Returns the longest suffix of the text that starts at a word boundary and has at most maxTokens content
     * tokens; starting mid-word would re-tokenize differently (and possibly into more tokens).
     */
    public String keepEnd(String text, int maxTokens) {
        Encoding encoding = tokenizer.encode(text, false, false);
        String[] tokens = encoding.getTokens();
        int first = Math.max(0, tokens.length - maxTokens);
        while (first < tokens.length && tokens[first].startsWith("##")) {
            first++;
        }
        if (first == tokens.length) {
            return "";
        }
        // Spans count code points, not UTF-16 chars: they differ after an emoji.
        return text.substring(text.offsetByCodePoints(0, encoding.getCharTokenSpans()[first].getStart()));
    }

    private long[] contentIds(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
