package dev.llmc.gpunode.replay;

import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.MiniLmTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayExpertsTest {

    private static MiniLmTokenizer tokenizer;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = MiniLmTokenizer.load();
    }

    @Test
    void aMatrixWithoutResponsesAnswersKnownPromptsWithAPlaceholderUnderMappedNames() {
        ReplayExperts replay = new ReplayExperts(new ReplayConfig("src/test/resources/replay/labels-only"), tokenizer);

        assertEquals(List.of("gpt-4-1106-preview", "mixtral-8x7b"), replay.names());
        String answer = replay.complete("mixtral-8x7b", List.of(new ChatTurn("user", "Write a haiku about autumn leaves."))).content();
        assertEquals("This is the recorded answer of Mixtral 8x7B to prompt p2 (the matrix has labels but no response texts).", answer);
        assertThrows(PromptNotFoundException.class,
                () -> replay.complete("mixtral-8x7b", List.of(new ChatTurn("user", "Something else entirely"))));
    }

    @Test
    void withoutADataDirectoryItServesNothing() {
        ReplayExperts replay = new ReplayExperts(new ReplayConfig(null), tokenizer);

        assertTrue(replay.names().isEmpty());
        assertFalse(replay.serves("alpaca-7b"));
    }

    @Test
    void normalisesWhitespaceOnly() {
        assertEquals("a b c", ReplayExperts.normalise(" a\tb \n\n c "));
        assertEquals("A b", ReplayExperts.normalise("A  b"));
    }
}
