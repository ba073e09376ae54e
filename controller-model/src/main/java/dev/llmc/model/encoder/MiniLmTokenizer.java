package dev.llmc.model.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * all-MiniLM-L6-v2's WordPiece tokenizer, loaded from the classpath: a {@link WordPieceTokenizer} in plain Java that
 * gives HuggingFace tokenizers' ids (compared id for id in the tests), plus MiniLM's input conventions ([CLS] ... [SEP],
 * truncation keeping the end); thread-safe.
 */
public final class MiniLmTokenizer {

    public static final String RESOURCE = "/all-minilm-l6-v2-tokenizer.json";

    private final WordPieceTokenizer tokenizer;
    private final long clsId;
    private final long sepId;

    private MiniLmTokenizer(WordPieceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.clsId = tokenizer.id("[CLS]");
        this.sepId = tokenizer.id("[SEP]");
        if (clsId < 0 || sepId < 0) {
            throw new IllegalStateException("the tokenizer has no [CLS] or [SEP] token");
        }
    }

    /** Loads the tokenizer from resource {@value #RESOURCE} (shipped in langchain4j's MiniLM jar). */
    public static MiniLmTokenizer load() {
        try (InputStream in = MiniLmTokenizer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Tokenizer resource " + RESOURCE + " is not on the classpath");
            }
            // The shipped tokenizer.json also truncates and pads to 128 tokens; this class does neither, so that
            // truncation keeps the end of the text and padding is per batch.
            return new MiniLmTokenizer(WordPieceTokenizer.read(in));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read tokenizer resource " + RESOURCE, e);
        }
    }

    /** The text's content tokens (no [CLS] and [SEP]) with where each starts in the text. */
    public WordPieceTokenizer.Tokens tokenize(String text) {
        return tokenizer.tokenize(text);
    }

    /** Number of content tokens in the text, without [CLS] and [SEP]. */
    public int countTokens(String text) {
        return tokenizer.tokenize(text).size();
    }

    /**
     * Returns [CLS] + content + [SEP], at most maxTokens ids in total; a text that is too long loses tokens from
     * the start of its content, because the end of a conversation carries the routing signal.
     */
    public TokenizedText encodeKeepingEnd(String text, int maxTokens) {
        if (maxTokens < 2) {
            throw new IllegalArgumentException("maxTokens must be at least 2 ([CLS] and [SEP]), was " + maxTokens);
        }
        long[] ids = withSpecialTokens(tokenizer.tokenize(text).ids(), maxTokens);
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1L);
        return new TokenizedText(ids, mask, new long[ids.length]);
    }

    /** [CLS] + the last (maxTokens − 2) of the content ids + [SEP]. */
    public long[] withSpecialTokens(int[] content, int maxTokens) {
        int kept = Math.min(content.length, maxTokens - 2);
        long[] ids = new long[kept + 2];
        ids[0] = clsId;
        for (int i = 0; i < kept; i++) {
            ids[i + 1] = content[content.length - kept + i];
        }
        ids[kept + 1] = sepId;
        return ids;
    }

    /**
     * Returns the longest suffix of the text that starts at a word boundary and has at most maxTokens content
     * tokens; starting mid-word would re-tokenize differently (and possibly into more tokens).
     */
    public String keepEnd(String text, int maxTokens) {
        WordPieceTokenizer.Tokens tokens = tokenizer.tokenize(text);
        int first = firstKept(tokens, 0, maxTokens);
        return first == tokens.size() ? "" : text.substring(tokens.starts()[first]);
    }

    /**
     * Index of the first token of the longest end of tokens[from, size) that has at most maxTokens tokens and starts
     * a word (size if none fits): the text from that token's start re-tokenizes to exactly those tokens.
     */
    int firstKept(WordPieceTokenizer.Tokens tokens, int from, int maxTokens) {
        int first = Math.max(from, tokens.size() - maxTokens);
        while (first < tokens.size() && tokenizer.continuesWord(tokens.ids()[first])) {
            first++;
        }
        return first;
    }
}
