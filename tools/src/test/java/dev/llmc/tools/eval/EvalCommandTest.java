package dev.llmc.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmc.tools.LlmcTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {

    private static final List<String> DISHES = List.of("bread dough", "a risotto", "pancakes", "a beef stew", "pizza crust",
            "sourdough starter", "a chocolate cake", "tomato soup", "roast chicken", "pasta carbonara", "banana bread",
            "a vegetable curry", "apple pie", "french omelette", "chili con carne", "lasagna", "cinnamon rolls",
            "pad thai", "a lemon tart", "grilled salmon");
    private static final List<String> CODE = List.of("a Python list comprehension", "a Java NullPointerException",
            "a SQL join query", "a React useEffect hook", "a segmentation fault in C", "a Rust borrow checker error",
            "a Git merge conflict", "a JavaScript promise chain", "a Kubernetes deployment YAML", "a Go goroutine leak",
            "a regular expression for emails", "a Bash script loop", "a Docker build cache", "a TypeScript generic type",
            "a Maven dependency conflict", "a Python decorator", "an HTTP 500 error in Flask", "a C++ template",
            "a memory leak in Node.js", "a unit test with JUnit");

    @TempDir
    Path dir;

    /** Two experts, each clearly better on one topic; the chef is slightly better on average, so best single is the chef. */
    private Path writeMatrix() throws IOException {
        List<String> prompts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < DISHES.size(); i++) {
            String id = "c" + i;
            prompts.add("{\"prompt_id\": \"" + id + "\", \"prompt\": \"How do I make " + DISHES.get(i) + " at home?\"}");
            labels.add("{\"prompt_id\": \"" + id + "\", \"model\": \"chef\", \"win_vs_ref\": 0.9}");
            labels.add("{\"prompt_id\": \"" + id + "\", \"model\": \"coder\", \"win_vs_ref\": 0.1}");
        }
        for (int i = 0; i < CODE.size(); i++) {
            String id = "p" + i;
            prompts.add("{\"prompt_id\": \"" + id + "\", \"prompt\": \"Help me debug " + CODE.get(i) + ".\"}");
            labels.add("{\"prompt_id\": \"" + id + "\", \"model\": \"chef\", \"win_vs_ref\": 0.2}");
            labels.add("{\"prompt_id\": \"" + id + "\", \"model\": \"coder\", \"win_vs_ref\": 0.8}");
        }
        Path matrix = Files.createDirectories(dir.resolve("matrix"));
        Files.write(matrix.resolve("prompts.jsonl"), prompts);
        Files.write(matrix.resolve("labels.jsonl"), labels);
        return matrix;
    }

    @Test
    void controllerBeatsBestSingleWhenEachExpertOwnsATopic() throws IOException {
        Path matrix = writeMatrix();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LlmcTools.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir.resolve("cache"),
                "eval", "--train-data", matrix.toString(), "--split", "0.7", "--seeds", "2", "--json");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));

        // --json: stdout holds the JSON object and nothing else (the report and any log go to stderr).
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(1, lines.length, out.toString(StandardCharsets.UTF_8));
        JsonObject json = JsonParser.parseString(lines[0]).getAsJsonObject();
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("best single"), err.toString(StandardCharsets.UTF_8));
        assertEquals(28, json.get("train_prompts").getAsInt());
        assertEquals(12, json.get("test_prompts").getAsInt());
        double best = json.getAsJsonObject("best_single").get("utility").getAsDouble();
        double controller = json.get("controller").getAsDouble();
        assertTrue(controller > best + 0.2, "controller " + controller + " vs best single " + best + "\n" + err.toString(StandardCharsets.UTF_8));
        assertTrue(json.get("gain_captured").getAsDouble() > 0.5);
        for (String key : List.of("oracle", "random", "knn", "controller", "gain_captured")) {
            assertTrue(json.has(key + "_std"), key + "_std");
        }
    }
}
