package dev.llmc.gpunode.retrieval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusLoaderTest {

    private static final String ENTRY = "{\"prompt\":\"p\",\"response\":\"r\"}";

    @TempDir
    Path dir;

    private final CorpusLoader loader = new CorpusLoader();

    @Test
    void loadsEachJsonlFileAsAModelNamedAfterTheFile() throws IOException {
        Files.writeString(dir.resolve("cooking.jsonl"), "{\"prompt\":\"How?\",\"response\":\"Like this.\"}\n");
        Files.writeString(dir.resolve("gardening.jsonl"), ENTRY + "\n" + ENTRY + "\n");

        List<Corpus> corpora = loader.load(dir);

        assertEquals(List.of("cooking", "gardening"), corpora.stream().map(Corpus::name).toList());
        assertEquals(List.of(new CorpusEntry("How?", "Like this.")), corpora.get(0).entries());
        assertEquals(2, corpora.get(1).entries().size());
    }

    @Test
    void ignoresFilesThatAreNotJsonl() throws IOException {
        Files.writeString(dir.resolve("cooking.jsonl"), ENTRY);
        Files.writeString(dir.resolve("cooking.description.txt"), "Recipes and baking.");

        assertEquals(List.of("cooking"), loader.load(dir).stream().map(Corpus::name).toList());
    }

    @Test
    void skipsBlankLines() throws IOException {
        Files.writeString(dir.resolve("cooking.jsonl"), ENTRY + "\n\n  \n" + ENTRY + "\n");

        assertEquals(2, loader.load(dir).get(0).entries().size());
    }

    @Test
    void missingDirectoryFailsNamingTheDirectory() {
        Path missing = dir.resolve("nope");

        CorpusException e = assertThrows(CorpusException.class, () -> loader.load(missing));

        assertTrue(e.getMessage().contains("llmc.retrieval.corpus-dir") && e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void invalidJsonFailsNamingFileAndLine() throws IOException {
        Files.writeString(dir.resolve("cooking.jsonl"), ENTRY + "\n" + ENTRY + "\n{\"prompt\": \"p\", \n");

        CorpusException e = assertThrows(CorpusException.class, () -> loader.load(dir));

        assertTrue(e.getMessage().contains("cooking.jsonl line 3: not valid JSON"), e.getMessage());
    }

    @Test
    void blankPromptFailsNamingFileAndLine() throws IOException {
        Files.writeString(dir.resolve("cooking.jsonl"), "{\"prompt\":\"  \",\"response\":\"r\"}\n");

        CorpusException e = assertThrows(CorpusException.class, () -> loader.load(dir));

        assertTrue(e.getMessage().contains("cooking.jsonl line 1: \"prompt\" must be a non-blank string"), e.getMessage());
    }

    @Test
    void missingResponseFailsNamingFileAndLine() throws IOException {
        Files.writeString(dir.resolve("cooking.jsonl"), ENTRY + "\n{\"prompt\":\"p\"}\n");

        CorpusException e = assertThrows(CorpusException.class, () -> loader.load(dir));

        assertTrue(e.getMessage().contains("cooking.jsonl line 2: \"response\" must be a non-blank string"), e.getMessage());
    }

    @Test
    void lineThatIsNotAnObjectFails() throws IOException {
        Files.writeString(dir.resolve("cooking.jsonl"), "[\"p\",\"r\"]\n");

        CorpusException e = assertThrows(CorpusException.class, () -> loader.load(dir));

        assertTrue(e.getMessage().contains("cooking.jsonl line 1: expected a JSON object"), e.getMessage());
    }

    @Test
    void invalidModelNameFails() throws IOException {
        Files.writeString(dir.resolve("Cooking Tips.jsonl"), ENTRY);

        CorpusException e = assertThrows(CorpusException.class, () -> loader.load(dir));

        assertTrue(e.getMessage().contains("model name 'Cooking Tips' does not match"), e.getMessage());
    }

    @Test
    void fileWithoutEntriesFails() throws IOException {
        Files.writeString(dir.resolve("cooking.jsonl"), "\n");

        CorpusException e = assertThrows(CorpusException.class, () -> loader.load(dir));

        assertTrue(e.getMessage().contains("has no entries"), e.getMessage());
    }
}
