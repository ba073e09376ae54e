package dev.llmc.tools.simulate;

import dev.llmc.tools.LlmcTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad arguments and malformed data end with exit code 2 and a message, before anything is started. */
class SimulateCommandTest {
    private static final String DATA = "src/test/resources/simulate/cooking";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int simulate(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "simulate";
        all[1] = "--dir";
        all[2] = dir.resolve("state").toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return LlmcTools.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir.resolve("cache"), all);
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownExpertIsExit2NamingIt() {
        assertEquals(2, simulate("--data", DATA, "--experts", "chef,sommelier"));
        assertTrue(errors().contains("no 'score' labels for expert 'sommelier'"), errors());
        assertFalse(Files.exists(dir.resolve("state")), "nothing was started");
    }

    @Test
    void outOfRangeNumbersAreExit2() {
        assertEquals(2, simulate("--data", DATA, "--eval-fraction", "1.5"));
        assertTrue(errors().contains("--eval-fraction and --alpha must be in (0, 1)"), errors());
        assertEquals(2, simulate("--data", DATA, "--rounds", "0"));
        assertEquals(2, simulate("--data", DATA, "--fallback", "median"));
        assertTrue(errors().contains("--fallback: unknown fallback 'median', expected one of expert-means, none"), errors());
        assertEquals(2, simulate("--data", DATA, "--retry", "0.9,0.4"));
        assertTrue(errors().contains("reaction model: retry base + slope must be in [0.0, 1.0], was 1.3"), errors());
        assertEquals(2, simulate("--data", DATA, "--mode", "sometimes"));
    }

    @Test
    void missingOrMalformedDataIsExit2() throws IOException {
        assertEquals(2, simulate("--data", dir.resolve("nowhere").toString()));
        assertTrue(errors().contains("must contain prompts.jsonl and labels.jsonl"), errors());

        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(broken.resolve("prompts.jsonl"), "{\"prompt_id\": \"p1\", \"prompt\": \"hi\"}\nnot json\n");
        Files.writeString(broken.resolve("labels.jsonl"), "{\"prompt_id\": \"p1\", \"model\": \"a\", \"score\": 1}\n");
        assertEquals(2, simulate("--data", broken.toString()));
        assertTrue(errors().contains("prompts.jsonl line 2 is not a JSON object"), errors());
    }

    @Test
    void aDirectoryThatIsNotASimulationsIsNeverEmptied() throws IOException {
        Path precious = Files.writeString(Files.createDirectories(dir.resolve("state")).resolve("notes.txt"), "keep me");

        assertEquals(2, simulate("--data", DATA));

        assertTrue(errors().contains("is neither empty nor a previous simulation's directory"), errors());
        assertEquals("keep me", Files.readString(precious));
    }

    @Test
    void malformedDescriptionsAreExit2() throws IOException {
        Path descriptions = Files.writeString(dir.resolve("descriptions.json"), "[\"not an object\"]");
        assertEquals(2, simulate("--data", DATA, "--descriptions", descriptions.toString()));
        assertTrue(errors().contains("must be one JSON object of model name → description string"), errors());
    }
}
