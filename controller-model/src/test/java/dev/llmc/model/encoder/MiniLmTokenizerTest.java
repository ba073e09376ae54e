package dev.llmc.model.encoder;

import static dev.llmc.model.encoder.TestModels.TOKENIZER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MiniLmTokenizerTest {

    private static final long CLS = 101;
    private static final long SEP = 102;

    @Test
    void countsContentTokensWithoutSpecialTokens() {
        // "the", "cat", "sat", "on", "the", "mat", "."
        assertEquals(7, TOKENIZER.countTokens("The cat sat on the mat."));
    }

    @Test
    void countsTheWholeTextBeyondTheShippedTruncationLength() {
        assertEquals(600, TOKENIZER.countTokens("word ".repeat(600)));
    }

    @Test
    void encodesShortTextWholeBetweenClsAndSep() {
        TokenizedText encoded = TOKENIZER.encodeKeepingEnd("hello world", 16);

        assertArrayEquals(new long[] {CLS, 7592, 2088, SEP}, encoded.ids());
        assertArrayEquals(new long[] {1, 1, 1, 1}, encoded.attentionMask());
        assertArrayEquals(new long[] {0, 0, 0, 0}, encoded.typeIds());
    }

    @Test
    void keepsTheLastTokensOfTooLongText() {
        String text = "filler ".repeat(300) + "How long should I knead bread dough?";
        long[] all = TOKENIZER.encodeKeepingEnd(text, 512).ids();
        long[] content = Arrays.copyOfRange(all, 1, all.length - 1);

        TokenizedText encoded = TOKENIZER.encodeKeepingEnd(text, 32);

        assertEquals(32, encoded.length());
        assertEquals(CLS, encoded.ids()[0]);
        assertEquals(SEP, encoded.ids()[31]);
        assertArrayEquals(Arrays.copyOfRange(content, content.length - 30, content.length),
                Arrays.copyOfRange(encoded.ids(), 1, 31));
    }

    @Test
    void keepsTheEndFromAWholeWordEvenAfterAnEmoji() {
        // "unbelievably" is five word pieces; a four-token end would start mid-word, so it keeps one token less.
        assertEquals("résumé unbelievably", TOKENIZER.keepEnd("a 😀 b résumé unbelievably", 6));
        assertEquals("", TOKENIZER.keepEnd("a 😀 b résumé unbelievably", 4));
    }

    @Test
    void rejectsMaxTokensBelowTwo() {
        assertThrows(IllegalArgumentException.class, () -> TOKENIZER.encodeKeepingEnd("hello", 1));
    }
}
