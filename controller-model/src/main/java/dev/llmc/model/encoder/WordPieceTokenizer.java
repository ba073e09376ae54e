package dev.llmc.model.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's uncased WordPiece tokenizer in plain Java, reading a HuggingFace {@code tokenizer.json} (BertNormalizer,
 * BertPreTokenizer, WordPiece), with the ids HuggingFace tokenizers gives: special tokens matched in the raw text;
 * control characters dropped; whitespace and punctuation split; CJK ideographs one word each; NFD without non-spacing
 * marks, lower-cased; then greedy longest-match-first word pieces, a word without a match or over the length limit
 * being one [UNK]. One pass over the text, no native calls; thread-safe.
 */
public final class WordPieceTokenizer {

    private static final String CONTINUATION = "##";

    private final VocabularyTable words;
    private final VocabularyTable continuations;
    private final boolean[] continuationIds;
    private final String[] specialTokens;
    private final int[] specialIds;
    private final int unknownId;
    private final int maxCharsPerWord;

    private WordPieceTokenizer(Map<String, Integer> vocabulary, Map<String, Integer> specials, String unknown, int maxCharsPerWord) {
        this.continuationIds = new boolean[vocabulary.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1];
        List<String> wordKeys = new ArrayList<>();
        List<String> continuationKeys = new ArrayList<>();
        vocabulary.forEach((token, id) -> {
            if (token.startsWith(CONTINUATION)) {
                continuationKeys.add(token);
                continuationIds[id] = true;
            } else {
                wordKeys.add(token);
            }
        });
        this.words = new VocabularyTable(wordKeys, 0, vocabulary);
        this.continuations = new VocabularyTable(continuationKeys, CONTINUATION.length(), vocabulary);
        this.specialTokens = specials.keySet().toArray(String[]::new);
        this.specialIds = Arrays.stream(specialTokens).mapToInt(specials::get).toArray();
        Integer unknownId = vocabulary.get(unknown);
        if (unknownId == null) {
            throw new IllegalStateException("the unknown token " + unknown + " is not in the vocabulary");
        }
        this.unknownId = unknownId;
        this.maxCharsPerWord = maxCharsPerWord;
    }

    /**
     * Reads a {@code tokenizer.json}; refuses one whose normaliser, pre-tokenizer or model is not the uncased BERT
     * pipeline this class implements, since its ids would silently differ.
     */
    public static WordPieceTokenizer read(InputStream tokenizerJson) throws IOException {
        JsonNode json = new ObjectMapper().readTree(tokenizerJson);
        JsonNode normalizer = json.path("normalizer");
        JsonNode model = json.path("model");
        boolean lowercase = normalizer.path("lowercase").asBoolean(false);
        JsonNode stripAccents = normalizer.path("strip_accents");
        boolean supported = "BertNormalizer".equals(normalizer.path("type").asText())
                && normalizer.path("clean_text").asBoolean(false)
                && normalizer.path("handle_chinese_chars").asBoolean(false)
                && lowercase
                && (stripAccents.isNull() || stripAccents.isMissingNode() || stripAccents.asBoolean())
                && "BertPreTokenizer".equals(json.path("pre_tokenizer").path("type").asText())
                && "WordPiece".equals(model.path("type").asText())
                && CONTINUATION.equals(model.path("continuing_subword_prefix").asText());
        if (!supported) {
            throw new IllegalStateException("not an uncased BERT WordPiece tokenizer (BertNormalizer with clean_text,"
                    + " handle_chinese_chars, lowercase and accents stripped; BertPreTokenizer; WordPiece with ##)");
        }
        Map<String, Integer> vocabulary = new HashMap<>();
        model.path("vocab").properties().forEach(entry -> vocabulary.put(entry.getKey(), entry.getValue().asInt()));
        Map<String, Integer> specials = new LinkedHashMap<>();
        for (JsonNode added : json.path("added_tokens")) {
            // HuggingFace matches these in the raw text before normalising; all of BERT's are special and unnormalised.
            if (!added.path("special").asBoolean() || added.path("normalized").asBoolean()
                    || added.path("single_word").asBoolean() || added.path("lstrip").asBoolean() || added.path("rstrip").asBoolean()) {
                throw new IllegalStateException("unsupported added token " + added);
            }
            specials.put(added.path("content").asText(), added.path("id").asInt());
        }
        return new WordPieceTokenizer(vocabulary, specials, model.path("unk_token").asText(),
                model.path("max_input_chars_per_word").asInt(100));
    }

    /** The id of {@code token} exactly as in the vocabulary (e.g. {@code "[CLS]"}), or -1. */
    public int id(String token) {
        for (int i = 0; i < specialTokens.length; i++) {
            if (specialTokens[i].equals(token)) {
                return specialIds[i];
            }
        }
        return token.startsWith(CONTINUATION)
                ? continuations.get(token, CONTINUATION.length(), token.length())
                : words.get(token, 0, token.length());
    }

    /** Whether the token continues a word ({@code ##...}): a text cut there would re-tokenize differently. */
    public boolean continuesWord(int id) {
        return id >= 0 && id < continuationIds.length && continuationIds[id];
    }

    /** The text's tokens, without [CLS] and [SEP]. */
    public Tokens tokenize(String text) {
        Scan scan = new Scan(text);
        scan.run();
        return new Tokens(Arrays.copyOf(scan.ids, scan.count), Arrays.copyOf(scan.starts, scan.count));
    }

    /**
     * A text's token ids and where each token starts in it (a UTF-16 index; for a word piece inside a word with
     * accents or other decomposed characters, the start of the character it came from).
     */
    public record Tokens(int[] ids, int[] starts) {

        public int size() {
            return ids.length;
        }
    }

    /** The state of one {@link #tokenize} call: the word being collected (normalised) and the tokens so far. */
    private final class Scan {
        private final String text;
        private char[] word = new char[32];
        private int[] wordOrigins = new int[32];
        private int wordLength;
        private int wordCodePoints;
        private int[] ids;
        private int[] starts;
        private int count;

        Scan(String text) {
            this.text = text;
            int capacity = Math.max(8, text.length() / 3);
            this.ids = new int[capacity];
            this.starts = new int[capacity];
        }

        void run() {
            int n = text.length();
            int i = 0;
            while (i < n) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    i = ascii(c, i);
                    continue;
                }
                int cp = text.codePointAt(i);
                if (UnicodeClasses.isRemoved(cp)) {
                    i += Character.charCount(cp);
                } else if (UnicodeClasses.isWhitespace(cp)) {
                    endWord();
                    i += Character.charCount(cp);
                } else if (UnicodeClasses.isCjkIdeograph(cp)) {
                    // BertNormalizer puts spaces around each ideograph, so it is a word of its own.
                    endWord();
                    int end = i + Character.charCount(cp);
                    normalised(i, end);
                    endWord();
                    i = end;
                } else {
                    i = nonAsciiRun(i);
                }
            }
            endWord();
        }

        private int ascii(char c, int i) {
            if (c == '[') {
                int special = special(i);
                if (special >= 0) {
                    endWord();
                    add(specialIds[special], i);
                    return i + specialTokens[special].length();
                }
            }
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                endWord();
            } else if (c < 0x20 || c == 0x7f) {
                // Other ASCII controls (NUL, vertical tab, form feed, ...) are dropped, not spaces.
                return i + 1;
            } else if (UnicodeClasses.isAsciiPunctuation(c)) {
                endWord();
                append(c, i);
                endWord();
            } else {
                append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c, i);
            }
            return i + 1;
        }

        private int special(int i) {
            for (int s = 0; s < specialTokens.length; s++) {
                if (text.startsWith(specialTokens[s], i)) {
                    return s;
                }
            }
            return -1;
        }

        /**
         * Normalises the run of non-ASCII, non-space, non-ideograph characters starting at i (dropped controls
         * inside it do not end it: HuggingFace drops them before decomposing) and returns where it ends.
         */
        private int nonAsciiRun(int from) {
            int n = text.length();
            int i = from;
            boolean simple = true;
            while (i < n) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    break;
                }
                int cp = text.codePointAt(i);
                if (!UnicodeClasses.isRemoved(cp)) {
                    if (UnicodeClasses.isWhitespace(cp) || UnicodeClasses.isCjkIdeograph(cp)) {
                        break;
                    }
                    simple &= UnicodeClasses.isDecompositionFree(cp);
                }
                i += Character.charCount(cp);
            }
            if (simple) {
                for (int j = from; j < i; ) {
                    int cp = text.codePointAt(j);
                    if (!UnicodeClasses.isRemoved(cp)) {
                        accept(cp, j);
                    }
                    j += Character.charCount(cp);
                }
            } else {
                normalised(from, i);
            }
            return i;
        }

        /** NFD of text[from, to) without its removed characters, each resulting character traced to its origin. */
        private void normalised(int from, int to) {
            StringBuilder kept = new StringBuilder(to - from);
            List<Integer> origins = new ArrayList<>();
            for (int j = from; j < to; ) {
                int cp = text.codePointAt(j);
                if (!UnicodeClasses.isRemoved(cp)) {
                    String decomposed = Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFD);
                    kept.append(Character.toChars(cp));
                    for (int k = 0; k < decomposed.length(); k++) {
                        origins.add(j);
                    }
                }
                j += Character.charCount(cp);
            }
            // The whole run at once: canonical reordering of combining marks spans characters.
            String decomposed = Normalizer.normalize(kept, Normalizer.Form.NFD);
            for (int k = 0; k < decomposed.length(); ) {
                int cp = decomposed.codePointAt(k);
                accept(cp, origins.get(Math.min(k, origins.size() - 1)));
                k += Character.charCount(cp);
            }
        }

        /** One decomposed character: non-spacing marks go, the rest is lower-cased and split at punctuation. */
        private void accept(int cp, int origin) {
            if (UnicodeClasses.isNonSpacingMark(cp)) {
                return;
            }
            int lower = Character.toLowerCase(cp);
            if (UnicodeClasses.isPunctuation(lower)) {
                endWord();
                appendCodePoint(lower, origin);
                endWord();
            } else if (UnicodeClasses.isWhitespace(lower)) {
                endWord();
            } else {
                appendCodePoint(lower, origin);
            }
        }

        private void appendCodePoint(int cp, int origin) {
            if (Character.isBmpCodePoint(cp)) {
                append((char) cp, origin);
            } else {
                append(Character.highSurrogate(cp), origin);
                append(Character.lowSurrogate(cp), origin);
                wordCodePoints--;
            }
        }

        private void append(char c, int origin) {
            if (wordLength == word.length) {
                word = Arrays.copyOf(word, wordLength * 2);
                wordOrigins = Arrays.copyOf(wordOrigins, wordLength * 2);
            }
            word[wordLength] = c;
            wordOrigins[wordLength] = origin;
            wordLength++;
            wordCodePoints++;
        }

        /** Greedy longest-match-first word pieces of the collected word; no match at some point makes it one [UNK]. */
        private void endWord() {
            if (wordLength == 0) {
                return;
            }
            if (wordCodePoints > maxCharsPerWord) {
                add(unknownId, wordOrigins[0]);
            } else {
                int mark = count;
                int start = 0;
                while (start < wordLength) {
                    VocabularyTable table = start == 0 ? words : continuations;
                    int end = wordLength;
                    int id = -1;
                    while (end > start) {
                        id = table.get(word, start, end);
                        if (id >= 0) {
                            break;
                        }
                        end -= Character.isLowSurrogate(word[end - 1]) && end - 1 > start ? 2 : 1;
                    }
                    if (id < 0) {
                        count = mark;
                        add(unknownId, wordOrigins[0]);
                        break;
                    }
                    add(id, wordOrigins[start]);
                    start = end;
                }
            }
            wordLength = 0;
            wordCodePoints = 0;
        }

        private void add(int id, int start) {
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
                starts = Arrays.copyOf(starts, count * 2);
            }
            ids[count] = id;
            starts[count] = start;
            count++;
        }
    }

    /**
     * Open-addressing map from vocabulary entries (minus a common prefix) to ids, looked up by a char range so that
     * trying word pieces allocates nothing.
     */
    private static final class VocabularyTable {
        private final char[][] keys;
        private final int[] ids;
        private final int mask;

        VocabularyTable(List<String> tokens, int prefix, Map<String, Integer> vocabulary) {
            int capacity = Integer.highestOneBit(Math.max(4, tokens.size() * 3)) << 1;
            this.keys = new char[capacity][];
            this.ids = new int[capacity];
            this.mask = capacity - 1;
            for (String token : tokens) {
                String key = token.substring(prefix);
                int slot = mix(key.hashCode()) & mask;
                while (keys[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = key.toCharArray();
                ids[slot] = vocabulary.get(token);
            }
        }

        int get(char[] chars, int from, int to) {
            int hash = 0;
            for (int i = from; i < to; i++) {
                hash = 31 * hash + chars[i];
            }
            for (int slot = mix(hash) & mask; keys[slot] != null; slot = (slot + 1) & mask) {
                char[] key = keys[slot];
                if (Arrays.equals(key, 0, key.length, chars, from, to)) {
                    return ids[slot];
                }
            }
            return -1;
        }

        int get(String text, int from, int to) {
            return get(text.substring(from, to).toCharArray(), 0, to - from);
        }

        private static int mix(int hash) {
            return hash ^ (hash >>> 16);
        }
    }
}
