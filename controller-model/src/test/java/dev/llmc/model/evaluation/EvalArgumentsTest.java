package dev.llmc.model.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalArgumentsTest {

    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream err, String... args) {
        return new EvalCommand(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                dir.resolve("cache")).run(args);
    }

    @Test
    void missingTrainDataExitsTwoWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "--split", "0.7"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: ./llmc eval"));
    }

    @Test
    void splitOutsideUnitIntervalExitsTwoWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "--train-data", dir.toString(), "--split", "1.5"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--split must be in (0, 1)"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: ./llmc eval"));
    }

    @Test
    void unknownFeedbackModeExitsTwo() {
        assertEquals(2, run(new ByteArrayOutputStream(), "--train-data", dir.toString(), "--feedback", "partial"));
    }

    @Test
    void costWithoutExactlyTwoExpertsExitsTwo() {
        assertEquals(2, run(new ByteArrayOutputStream(), "--train-data", dir.toString(), "--cost", "a=1.0"));
    }

    @Test
    void unknownArgumentExitsTwo() {
        assertEquals(2, run(new ByteArrayOutputStream(), "--train-data", dir.toString(), "--frobnicate"));
    }

    @Test
    void directoryWithoutMatrixFilesExitsTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "--train-data", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("prompts.jsonl"));
    }

    @Test
    void parsesEveryOption() throws Exception {
        EvalArguments a = EvalArguments.parse(new String[] {"--train-data", dir.toString(), "--split=0.5", "--seeds", "3",
                "--cost", "a=1.0,b=0.1", "--label", "score", "--feedback", "bandit", "--json"});
        assertEquals(0.5, a.split());
        assertEquals(3, a.seeds());
        assertEquals(java.util.List.of("a", "b"), a.experts());
        assertEquals(0.1, a.costs().get("b"));
        assertEquals(FeedbackSimulator.Mode.BANDIT, a.feedback());
        assertTrue(a.json());
    }
}
