package dev.llmc.model.matrix;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpertNamesTest {

    @Test
    void lowerCasesAndTurnsOtherCharactersIntoDashes() {
        assertEquals("qwen-14b-chat", ExpertNames.of("Qwen-14B-Chat"));
        assertEquals("mixtral-8x7b-instruct-v0.1_concise", ExpertNames.of("Mixtral-8x7B-Instruct-v0.1_concise"));
        assertEquals("meta-llama-llama-3-8b-instruct", ExpertNames.of("meta-llama/Llama 3+8B:instruct"));
        assertEquals("alpaca-7b", ExpertNames.of("alpaca-7b"));
    }

    @Test
    void mapsEveryModelInOrderAndPrintsATable() {
        Map<String, String> mapped = ExpertNames.map(List.of("Qwen-14B-Chat", "alpaca-7b"));

        assertEquals(List.of("qwen-14b-chat", "alpaca-7b"), List.copyOf(mapped.values()));
        String table = ExpertNames.table(mapped);
        assertTrue(table.contains("Qwen-14B-Chat  qwen-14b-chat  (mapped)"), table);
        assertTrue(table.contains("alpaca-7b      alpaca-7b\n"), table);
    }

    @Test
    void refusesCollisionsAndNamesTheRuleStillBreaks() {
        IllegalArgumentException collision = assertThrows(IllegalArgumentException.class,
                () -> ExpertNames.map(List.of("GPT 4", "gpt-4")));
        assertEquals("models 'GPT 4' and 'gpt-4' both map to 'gpt-4'", collision.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ExpertNames.map(List.of("_private")));
        assertThrows(IllegalArgumentException.class, () -> ExpertNames.map(List.of("x".repeat(65))));
    }
}
