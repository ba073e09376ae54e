package dev.llmc.tools.data;

import dev.llmc.model.matrix.RoutingMatrix;
import dev.llmc.model.matrix.RoutingMatrixLoader;

import dev.llmc.tools.LlmcTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The matrices built from (miniature) clones of the public repositories read back as eval reads them. */
class DataCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(ByteArrayOutputStream out, String... args) {
        return LlmcTools.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir.resolve("cache"), args);
    }

    private void annotations(Path clone, String model, String... rows) throws IOException {
        Path file = clone.resolve("results").resolve(model).resolve("weighted_alpaca_eval_gpt4_turbo/annotations.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "[" + String.join(",", rows) + "]");
    }

    private static String annotation(String instruction, String model, String output, String preference) {
        return """
                {"instruction": "%s", "output_1": "reference", "generator_1": "gpt4_1106_preview", "dataset": "koala",
                 "output_2": "%s", "generator_2": "%s", "preference": %s}""".formatted(instruction, output, model, preference);
    }

    @Test
    void alpacaEvalAnnotationsBecomeWinProbabilitiesAgainstTheReference() throws IOException {
        Path clone = dir.resolve("alpaca_eval");
        annotations(clone, "alpha", annotation("Q1", "alpha", "a1", "1.75"), annotation("Q2", "alpha", "a2", "1.0"));
        annotations(clone, "beta", annotation("Q1", "beta", "b1", "1.25"), annotation("Q2", "beta", "b2", "2.0"),
                annotation("Q3", "beta", "b3", "null"));
        annotations(clone, "beta_concise", annotation("Q1", "beta_concise", "c1", "1.5"), annotation("Q2", "beta_concise", "c2", "1.5"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertEquals(0, run(out, "data", "alpaca-eval", "--clone", clone.toString(), "--out", dir.resolve("m").toString()));

        assertTrue(out.toString(StandardCharsets.UTF_8).contains("3 prompts, 3 models, 6 labels (1 annotations without a preference skipped)"), out.toString());
        RoutingMatrix matrix = RoutingMatrixLoader.load(dir.resolve("m"), "win_vs_ref", null);
        assertEquals(List.of("alpha", "beta"), matrix.experts(), "the _concise variant of beta is left out by default");
        assertEquals(List.of("ae001", "ae002"), matrix.promptIds(), "Q3 has no label for alpha");
        assertArrayEquals(new double[] {0.75, 0.25}, matrix.labels()[0], 1e-9);
        assertArrayEquals(new double[] {0.0, 1.0}, matrix.labels()[1], 1e-9);
        assertTrue(Files.readString(dir.resolve("m/responses.jsonl")).contains("\"response\":\"b2\""));
    }

    @Test
    void routeLlmCsvsBecomeCorrectnessScoresWithMultiLinePromptsIntact() throws IOException {
        Path responses = dir.resolve("RouteLLM/routellm/evals/mmlu/responses");
        Files.createDirectories(responses);
        Files.writeString(responses.resolve("mmlu_anatomy.csv"), """
                prompt,mixtral-8x7b-instruct-v0.1,gpt-4-1106-preview
                "Which bone?
                A. ""femur""
                B. tibia
                Answer:",False,True
                "Second, question",True,True
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertEquals(0, run(out, "data", "routellm-mmlu", "--clone", dir.resolve("RouteLLM").toString(), "--out",
                dir.resolve("m").toString(), "--rename", "mixtral-8x7b-instruct-v0.1=mistralai/Mixtral-8x7B-Instruct-v0.1"));

        RoutingMatrix matrix = RoutingMatrixLoader.load(dir.resolve("m"), "score", null);
        assertEquals(List.of("mistralai/Mixtral-8x7B-Instruct-v0.1", "gpt-4-1106-preview"), matrix.experts());
        assertEquals(List.of("mmlu_anatomy_0000", "mmlu_anatomy_0001"), matrix.promptIds());
        assertEquals("Which bone?\nA. \"femur\"\nB. tibia\nAnswer:", matrix.prompts().getFirst());
        assertArrayEquals(new double[] {0.0, 1.0}, matrix.labels()[0], 1e-9);
        assertArrayEquals(new double[] {1.0, 1.0}, matrix.labels()[1], 1e-9);
    }

    @Test
    void aFolderThatIsNotACloneIsABadArgument() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertEquals(2, run(out, "data", "alpaca-eval", "--clone", dir.toString(), "--out", dir.resolve("m").toString()), err::toString);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not a clone of tatsu-lab/alpaca_eval"), err::toString);
        assertEquals(2, run(out, "data", "routellm-mmlu", "--clone", dir.toString(), "--out", dir.resolve("m").toString()), err::toString);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not a clone of lm-sys/RouteLLM"), err::toString);
    }
}
