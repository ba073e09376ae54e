package dev.llmc.model.encoder;

import static dev.llmc.model.encoder.TestModels.TOKENIZER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationFormatterTest {

    // Each of these lines is 8 tokens: the role, ":" and six one-token words.
    private static final ChatTurn ALPHA = new ChatTurn("user", "alpha alpha alpha alpha alpha alpha");
    private static final ChatTurn BETA = new ChatTurn("assistant", "beta beta beta beta beta beta");
    private static final ChatTurn GAMMA = new ChatTurn("user", "gamma gamma gamma gamma gamma gamma");

    /** 22 content tokens: room for two 8-token lines plus a short one, not for three. */
    private final ConversationFormatter formatter = new ConversationFormatter(TOKENIZER, 24);

    @Test
    void writesOneLinePerTurnWithRoleMarkersInChronologicalOrder() {
        String formatted = new ConversationFormatter(TOKENIZER, 128).format(List.of(
                new ChatTurn("system", "You are a chef."),
                new ChatTurn("user", "How do I knead dough?"),
                new ChatTurn("assistant", "Push, fold and turn it for ten minutes.")));

        assertEquals("system: You are a chef.\nuser: How do I knead dough?\nassistant: Push, fold and turn it for ten minutes.",
                formatted);
    }

    @Test
    void flattensLineBreaksInsideATurn() {
        assertEquals("user: first line second line", formatter.format(List.of(new ChatTurn("user", "first line\n\n  second line\n"))));
    }

    @Test
    void dropsTheOldestTurnsWhenOverTheLimit() {
        assertEquals("assistant: beta beta beta beta beta beta\nuser: gamma gamma gamma gamma gamma gamma",
                formatter.format(List.of(ALPHA, BETA, GAMMA)));
    }

    @Test
    void keepsTheLeadingSystemTurnWhenItFitsBesideTheLatest() {
        String formatted = formatter.format(List.of(new ChatTurn("system", "be brief"), ALPHA, BETA, GAMMA));

        assertEquals("system: be brief\nassistant: beta beta beta beta beta beta\nuser: gamma gamma gamma gamma gamma gamma", formatted);
    }

    @Test
    void dropsTheLeadingSystemTurnWhenItDoesNotFitBesideTheLatest() {
        ChatTurn longSystem = new ChatTurn("system", "rule ".repeat(20));

        assertEquals("user: alpha alpha alpha alpha alpha alpha\nassistant: beta beta beta beta beta beta",
                formatter.format(List.of(longSystem, ALPHA, BETA)));
    }

    @Test
    void keepsTheEndOfALatestTurnThatAloneIsTooLong() {
        ConversationFormatter small = new ConversationFormatter(TOKENIZER, 16);

        String formatted = small.format(List.of(ALPHA, new ChatTurn("user", "filler ".repeat(100) + "so how long do I knead the dough?")));

        assertTrue(formatted.startsWith("user: "), formatted);
        assertTrue(formatted.endsWith("so how long do I knead the dough?"), formatted);
        assertTrue(TOKENIZER.countTokens(formatted) + 2 <= 16, formatted);
        assertTrue(TOKENIZER.countTokens(formatted) + 2 >= 14, "uses the budget: " + formatted);
    }

    @Test
    void formatTokensAreTheTokensOfTheFormattedText() {
        ChatTurn longLatest = new ChatTurn("user", "filler résumé ".repeat(100) + "so how long do I knead the 😀 dough?");
        List<List<ChatTurn>> conversations = List.of(
                List.of(ALPHA),
                List.of(new ChatTurn("system", "be brief"), ALPHA, BETA, GAMMA),
                List.of(ALPHA, longLatest),
                List.of(new ChatTurn("user", "")),
                // The marker alone exceeds the budget: only the end of the whole line is kept.
                List.of(new ChatTurn("a very long role name with many words in it", "hello there")));
        for (List<ChatTurn> turns : conversations) {
            for (ConversationFormatter sized : List.of(formatter, new ConversationFormatter(TOKENIZER, 8), new ConversationFormatter(TOKENIZER, 16))) {
                assertArrayEquals(TOKENIZER.tokenize(sized.format(turns)).ids(), sized.formatTokens(turns), turns::toString);
            }
        }
    }

    @Test
    void rejectsAnEmptyConversation() {
        assertThrows(IllegalArgumentException.class, () -> formatter.format(List.of()));
    }

    @Test
    void rejectsMaxTokensOutsideEightTo512() {
        assertThrows(IllegalArgumentException.class, () -> new ConversationFormatter(TOKENIZER, 7));
        assertThrows(IllegalArgumentException.class, () -> new ConversationFormatter(TOKENIZER, 513));
    }
}
