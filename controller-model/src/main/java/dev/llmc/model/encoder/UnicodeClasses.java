package dev.llmc.model.encoder;

import java.text.Normalizer;

/** The character classes of HuggingFace's BertNormalizer and BertPreTokenizer, for {@link WordPieceTokenizer}. */
final class UnicodeClasses {

    private static final byte UNKNOWN = 0;
    private static final byte FREE = 1;
    private static final byte DECOMPOSES = 2;
    /** Per code point, filled lazily (benign races: every thread computes the same value). */
    private static final byte[] DECOMPOSITION = new byte[Character.MAX_CODE_POINT + 1];

    /**
     * Inclusive ranges of code points that HuggingFace tokenizers' character tables (an older Unicode than the JDK's)
     * do not know: for it they are ordinary word characters, not punctuation, marks or format characters. Found by
     * comparing every code point with HuggingFace's tokenizer (WordPieceTokenizerTest); a JDK with a newer Unicode
     * may need more.
     */
    private static final int[] UNKNOWN_TO_HUGGING_FACE = {
            0x61D, 0x61D, 0x7FD, 0x7FD, 0x890, 0x891, 0x897, 0x89F, 0x8CA, 0x8E2, 0x9FD, 0x9FE, 0xA76, 0xA76,
            0xAFA, 0xAFF, 0xB55, 0xB55, 0xC04, 0xC04, 0xC3C, 0xC3C, 0xC77, 0xC77, 0xC84, 0xC84, 0xD00, 0xD00,
            0xD3B, 0xD3C, 0xD81, 0xD81, 0xEBA, 0xEBA, 0xECE, 0xECE, 0x180F, 0x180F, 0x1885, 0x1886, 0x1ABF, 0x1ACE,
            0x1B4E, 0x1B4F, 0x1B7D, 0x1B7F, 0x1DF6, 0x1DFB, 0x2E43, 0x2E4F, 0x2E52, 0x2E5D, 0xA82C, 0xA82C,
            0xA8C5, 0xA8C5, 0xA8FF, 0xA8FF, 0xA9BD, 0xA9BD, 0x10D24, 0x10D27, 0x10D69, 0x10D6E, 0x10EAB, 0x10EAD,
            0x10EFC, 0x10EFF, 0x10F46, 0x10F50, 0x10F55, 0x10F59, 0x10F82, 0x10F89, 0x11070, 0x11070,
            0x11073, 0x11074, 0x110C2, 0x110C2, 0x110CD, 0x110CD, 0x111CF, 0x111CF, 0x1123E, 0x1123E,
            0x11241, 0x11241, 0x1133B, 0x1133B, 0x113BB, 0x113C0, 0x113CE, 0x113CE, 0x113D0, 0x113D0,
            0x113D2, 0x113D2, 0x113D4, 0x113D5, 0x113D7, 0x113D8, 0x113E1, 0x113E2, 0x11438, 0x1143F,
            0x11442, 0x11444, 0x11446, 0x11446, 0x1144B, 0x1144F, 0x1145A, 0x1145B, 0x1145D, 0x1145E,
            0x11660, 0x1166C, 0x116B9, 0x116B9, 0x1182F, 0x11837, 0x11839, 0x1183B, 0x1193B, 0x1193C,
            0x1193E, 0x1193E, 0x11943, 0x11946, 0x119D4, 0x119D7, 0x119DA, 0x119DB, 0x119E0, 0x119E0,
            0x119E2, 0x119E2, 0x11A01, 0x11A0A, 0x11A33, 0x11A38, 0x11A3B, 0x11A47, 0x11A51, 0x11A56,
            0x11A59, 0x11A5B, 0x11A8A, 0x11A96, 0x11A98, 0x11A9C, 0x11A9E, 0x11AA2, 0x11B00, 0x11B09,
            0x11BE1, 0x11BE1, 0x11C30, 0x11C36, 0x11C38, 0x11C3D, 0x11C3F, 0x11C3F, 0x11C41, 0x11C45,
            0x11C70, 0x11C71, 0x11C92, 0x11CA7, 0x11CAA, 0x11CB0, 0x11CB2, 0x11CB3, 0x11CB5, 0x11CB6,
            0x11D31, 0x11D36, 0x11D3A, 0x11D3A, 0x11D3C, 0x11D3D, 0x11D3F, 0x11D45, 0x11D47, 0x11D47,
            0x11D90, 0x11D91, 0x11D95, 0x11D95, 0x11D97, 0x11D97, 0x11EF3, 0x11EF4, 0x11EF7, 0x11EF8,
            0x11F00, 0x11F01, 0x11F36, 0x11F3A, 0x11F40, 0x11F40, 0x11F42, 0x11F4F, 0x11F5A, 0x11F5A,
            0x11FFF, 0x11FFF, 0x12FF1, 0x12FF2, 0x13430, 0x13440, 0x13447, 0x13455, 0x1611E, 0x16129,
            0x1612D, 0x1612F, 0x16D6D, 0x16D6F, 0x16E97, 0x16E9A, 0x16F4F, 0x16F4F, 0x16FE2, 0x16FE2,
            0x16FE4, 0x16FE4, 0x1CF00, 0x1CF2D, 0x1CF30, 0x1CF46, 0x1E000, 0x1E006, 0x1E008, 0x1E018,
            0x1E01B, 0x1E021, 0x1E023, 0x1E024, 0x1E026, 0x1E02A, 0x1E08F, 0x1E08F, 0x1E130, 0x1E136,
            0x1E2AE, 0x1E2AE, 0x1E2EC, 0x1E2EF, 0x1E4EC, 0x1E4EF, 0x1E5EE, 0x1E5EF, 0x1E5FF, 0x1E5FF,
            0x1E944, 0x1E94A, 0x1E95E, 0x1E95F
    };
    /** Categories that changed since HuggingFace's tables: punctuation there, a symbol or mark in the JDK. */
    private static final int CANADIAN_FULL_STOP = 0x166D;
    private static final int SHARADA_SEPARATOR = 0x111C9;
    /** Spacing marks in the JDK that were non-spacing (so stripped with the accents) in HuggingFace's tables. */
    private static final int TAGALOG_PAMUDPOD = 0x1734;
    private static final int AHOM_SIGN_KILLER = 0x1171E;

    private UnicodeClasses() {
    }

    /**
     * Dropped by clean_text: NUL, U+FFFD and control, format, private-use and surrogate characters except tab, CR and
     * LF. Unassigned code points stay (HuggingFace's table of "other" characters lists none of them).
     */
    static boolean isRemoved(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        if (cp == 0 || cp == 0xFFFD) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.PRIVATE_USE, Character.SURROGATE -> true;
            case Character.FORMAT -> !unknownToHuggingFace(cp);
            default -> false;
        };
    }

    /** Unicode's White_Space property (Rust's {@code char::is_whitespace}), which includes no-break spaces. */
    static boolean isWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** The CJK ideograph blocks BertNormalizer surrounds with spaces. */
    static boolean isCjkIdeograph(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** Mn: removed with the accents after NFD. */
    static boolean isNonSpacingMark(int cp) {
        if (cp == TAGALOG_PAMUDPOD || cp == AHOM_SIGN_KILLER) {
            return true;
        }
        return Character.getType(cp) == Character.NON_SPACING_MARK && cp != SHARADA_SEPARATOR && !unknownToHuggingFace(cp);
    }

    static boolean isAsciiPunctuation(char c) {
        return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
    }

    /** ASCII punctuation (which includes symbols such as $ and +) or a Unicode punctuation category. */
    static boolean isPunctuation(int cp) {
        if (cp < 0x80) {
            return isAsciiPunctuation((char) cp);
        }
        if (cp == CANADIAN_FULL_STOP || cp == SHARADA_SEPARATOR) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION -> !unknownToHuggingFace(cp);
            default -> false;
        };
    }

    /**
     * Whether NFD leaves the character alone and it cannot be reordered against another kept character (spacing
     * combining marks can): then a run of such characters needs no {@link Normalizer} call.
     */
    static boolean isDecompositionFree(int cp) {
        byte known = DECOMPOSITION[cp];
        if (known == UNKNOWN) {
            String text = Character.toString(cp);
            boolean free = Character.getType(cp) != Character.COMBINING_SPACING_MARK
                    && Normalizer.isNormalized(text, Normalizer.Form.NFD);
            known = free ? FREE : DECOMPOSES;
            DECOMPOSITION[cp] = known;
        }
        return known == FREE;
    }

    private static boolean unknownToHuggingFace(int cp) {
        if (cp < UNKNOWN_TO_HUGGING_FACE[0]) {
            return false;
        }
        // The last range starting at or before cp (ranges are sorted and disjoint).
        int low = 0;
        int high = UNKNOWN_TO_HUGGING_FACE.length / 2 - 1;
        while (low < high) {
            int middle = (low + high + 1) >>> 1;
            if (UNKNOWN_TO_HUGGING_FACE[2 * middle] <= cp) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        return cp <= UNKNOWN_TO_HUGGING_FACE[2 * low + 1];
    }
}
