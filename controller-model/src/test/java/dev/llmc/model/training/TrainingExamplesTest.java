package dev.llmc.model.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingExamplesTest {

    @TempDir
    Path dir;

    private static final List<TrainingExample> EXAMPLES = List.of(
            new TrainingExample("msg-1", "chef", new float[] {0.6f, 0.8f, 0f}, 1f, 1_700_000_000_000L, 4f, false, 3f),
            new TrainingExample("msg-2", "poet-7b", new float[] {0f, -1f, 0f}, 0.05f, 1_700_000_001_000L, Float.NaN, true,
                    Float.NaN),
            new TrainingExample("msg-3 ünïcode", "chef", new float[] {Float.MIN_VALUE, 0f, -0f}, 0.5f, -1L, 1f, true, 0f));

    @Test
    void readsBackWhatItWrote() throws IOException {
        Path file = dir.resolve("examples.llmcex");
        TrainingExamples.write(file, EXAMPLES);

        List<TrainingExample> read = TrainingExamples.read(file);

        assertEquals(EXAMPLES.size(), read.size());
        for (int i = 0; i < EXAMPLES.size(); i++) {
            TrainingExample expected = EXAMPLES.get(i);
            TrainingExample actual = read.get(i);
            assertEquals(expected.messageId(), actual.messageId());
            assertEquals(expected.expertId(), actual.expertId());
            assertArrayEquals(expected.embedding(), actual.embedding());
            assertEquals(expected.propensity(), actual.propensity());
            assertEquals(expected.servedAtMillis(), actual.servedAtMillis());
            assertEquals(Float.floatToRawIntBits(expected.rating()), Float.floatToRawIntBits(actual.rating()));
            assertEquals(expected.retried(), actual.retried());
            assertEquals(Float.floatToRawIntBits(expected.conversationLength()),
                    Float.floatToRawIntBits(actual.conversationLength()));
        }
    }

    @Test
    void readsAnEmptyFile() throws IOException {
        Path file = dir.resolve("empty.llmcex");
        TrainingExamples.write(file, List.of());

        assertEquals(List.of(), TrainingExamples.read(file));
    }

    @Test
    void rejectsAFileInAnotherFormat() throws IOException {
        Path file = dir.resolve("examples.jsonl");
        Files.writeString(file, "{\"message_id\":\"m1\"}\n");

        assertThrows(IOException.class, () -> TrainingExamples.read(file));
    }

    @Test
    void rejectsAFileThatEndsInsideAnExample() throws IOException {
        Path file = dir.resolve("examples.llmcex");
        TrainingExamples.write(file, EXAMPLES);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));

        assertThrows(IOException.class, () -> TrainingExamples.read(file));
    }
}
