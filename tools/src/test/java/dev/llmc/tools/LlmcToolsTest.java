package dev.llmc.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlmcToolsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return LlmcTools.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                dir, args);
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] command : new String[][] {{}, {"train"}, {"eval"}, {"bench"}, {"bench", "encoder"}, {"bench", "batching"},
                {"bench", "train"}, {"bench", "gateway"}, {"bench", "events"}}) {
            out.reset();
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            assertEquals(0, run(args), String.join(" ", args));
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: llmc-tools"), out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void badArgumentsExitTwo() {
        assertEquals(2, run());
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("bench"));
        assertEquals(2, run("bench", "encoder", "many"));
        assertEquals(2, run("train", "--epochs", "0"));
        assertEquals(2, run("train", "--since", "yesterday"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: llmc-tools"));
        assertEquals(2, run("train", "--fallback", "best-guess"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
                "error: --fallback: unknown fallback 'best-guess', expected one of expert-means, none"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trainWithoutADatabaseFailsWithOneAndSaysWhy() {
        assertEquals(1, run("train", "--state-dir", dir.toString(), "--database-url", ""));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no database"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void progressBarDrawsShareAndDetail() {
        assertEquals("eval [###############...............]  50%  seed 2/2", ProgressBar.render("eval", 1, 2, "seed 2/2"));
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(lines, true, StandardCharsets.UTF_8), "train", false);
        bar.update(0, 10, "");
        bar.update(5, 10, "");   // throttled: not a terminal, within the interval
        bar.update(10, 10, "done");
        assertEquals(2, lines.toString(StandardCharsets.UTF_8).lines().count(), lines.toString(StandardCharsets.UTF_8));
    }
}
