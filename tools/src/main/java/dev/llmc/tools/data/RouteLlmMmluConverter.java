package dev.llmc.tools.data;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds a routing matrix from a local clone of the public RouteLLM repository (lm-sys/RouteLLM): each
 * {@code routellm/evals/mmlu/responses/mmlu_<subject>.csv} has a {@code prompt} column and one column per model with
 * {@code True}/{@code False} for a correct answer, which becomes {@code score} 1.0/0.0.
 */
final class RouteLlmMmluConverter {
    private static final String PREFIX = "mmlu_";

    private RouteLlmMmluConverter() {
    }

    /** What was written. */
    record Summary(int subjects, int prompts, List<String> models) {
    }

    /** @param renames model column name → name to write (e.g. the provider's full model name) */
    static Summary convert(Path clone, Path out, Map<String, String> renames) throws IOException {
        Path responses = clone.resolve("routellm/evals/mmlu/responses");
        if (!Files.isDirectory(responses)) {
            throw new IllegalArgumentException(clone + " is not a clone of lm-sys/RouteLLM: it has no routellm/evals/mmlu/responses/");
        }
        List<Path> files;
        try (Stream<Path> csvs = Files.list(responses)) {
            files = csvs.filter(p -> p.getFileName().toString().matches("mmlu_.+\\.csv")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no mmlu_<subject>.csv under " + responses);
        }
        Files.createDirectories(out);
        int prompts = 0;
        List<String> models = new ArrayList<>();
        try (var promptsOut = Files.newBufferedWriter(out.resolve("prompts.jsonl"), StandardCharsets.UTF_8);
             var labelsOut = Files.newBufferedWriter(out.resolve("labels.jsonl"), StandardCharsets.UTF_8)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String subject = name.substring(PREFIX.length(), name.length() - ".csv".length());
                List<List<String>> rows = Csv.parse(Files.readString(file, StandardCharsets.UTF_8));
                if (rows.isEmpty() || !"prompt".equals(rows.getFirst().getFirst())) {
                    throw new IllegalArgumentException(file + ": the first column must be 'prompt'");
                }
                List<String> header = rows.getFirst().subList(1, rows.getFirst().size()).stream()
                        .map(model -> renames.getOrDefault(model, model)).toList();
                header.stream().filter(model -> !models.contains(model)).forEach(models::add);
                for (int r = 1; r < rows.size(); r++) {
                    List<String> row = rows.get(r);
                    String id = String.format(Locale.ROOT, "%s%s_%04d", PREFIX, subject, r - 1);
                    JsonObject prompt = new JsonObject();
                    prompt.addProperty("prompt_id", id);
                    prompt.addProperty("subject", subject);
                    prompt.addProperty("prompt", row.getFirst());
                    promptsOut.write(prompt + "\n");
                    for (int m = 0; m < header.size() && m + 1 < row.size(); m++) {
                        JsonObject label = new JsonObject();
                        label.addProperty("prompt_id", id);
                        label.addProperty("model", header.get(m));
                        label.addProperty("score", Boolean.parseBoolean(row.get(m + 1).strip()) ? 1.0 : 0.0);
                        labelsOut.write(label + "\n");
                    }
                    prompts++;
                }
            }
        }
        return new Summary(files.size(), prompts, models);
    }
}
