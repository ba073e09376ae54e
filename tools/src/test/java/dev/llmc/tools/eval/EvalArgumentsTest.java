package dev.llmc.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmc.tools.LlmcTools;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalArgumentsTest {

    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream err, String... args) {
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "eval";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        return LlmcTools.execute(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                dir.resolve("cache"), withCommand);
    }

    private EvalArguments parse(String... args) throws EvalArguments.UsageException {
        EvalCommand command = new EvalCommand(System.out, System.err, dir.resolve("cache"));
        new CommandLine(command).parseArgs(args);
        return command.arguments();
    }

    @Test
    void missingTrainDataExitsTwoWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "--split", "0.7"), err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: llmc-tools eval"));
    }

    @Test
    void splitOutsideUnitIntervalExitsTwoWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "--train-data", dir.toString(), "--split", "1.5"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--split must be in (0, 1)"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: llmc-tools eval"));
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
    void seedsThatAreNotANumberExitTwo() {
        assertEquals(2, run(new ByteArrayOutputStream(), "--train-data", dir.toString(), "--seeds", "many"));
    }

    @Test
    void helpExitsZeroAndListsEveryOption() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = LlmcTools.execute(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, dir.resolve("cache"),
                "eval", "--help");
        assertEquals(0, code);
        for (String option : new String[] {"--train-data", "--test-data", "--split", "--seeds", "--experts", "--cost",
                "--label", "--feedback", "--json"}) {
            assertTrue(out.toString(StandardCharsets.UTF_8).contains(option), option);
        }
    }

    @Test
    void defaultsAreTheDocumentedOnes() throws Exception {
        EvalArguments a = parse("--train-data", dir.toString());
        assertEquals(0.7, a.split());
        assertEquals(20, a.seeds());
        assertEquals(FeedbackSimulator.Mode.FULL, a.feedback());
        assertEquals(null, a.experts());
        assertTrue(!a.json());
    }

    @Test
    void directoryWithoutMatrixFilesExitsTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(err, "--train-data", dir.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("prompts.jsonl"));
    }

    @Test
    void parsesEveryOption() throws Exception {
        EvalArguments a = parse("--train-data", dir.toString(), "--split=0.5", "--seeds", "3",
                "--cost", "a=1.0,b=0.1", "--label", "score", "--feedback", "bandit", "--json");
        assertEquals(0.5, a.split());
        assertEquals(3, a.seeds());
        assertEquals(java.util.List.of("a", "b"), a.experts());
        assertEquals(0.1, a.costs().get("b"));
        assertEquals(FeedbackSimulator.Mode.BANDIT, a.feedback());
        assertTrue(a.json());
    }
}
