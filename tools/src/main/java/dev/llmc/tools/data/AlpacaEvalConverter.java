package dev.llmc.tools.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds a routing matrix from a local clone of the public AlpacaEval repository (tatsu-lab/alpaca_eval): every model's
 * {@code results/<model>/<annotator>/annotations.json} holds, per instruction, the model's output ({@code output_2})
 * judged against the reference model's ({@code output_1}); {@code preference} in [1, 2] becomes {@code win_vs_ref} =
 * preference − 1, the judge's probability that the model's answer beats the reference.
 */
final class AlpacaEvalConverter {
    static final String DEFAULT_ANNOTATOR = "weighted_alpaca_eval_gpt4_turbo";
    private static final int MAX_RESPONSE_CHARS = 4000;

    private AlpacaEvalConverter() {
    }

    /** What was written: prompts and models, and annotations skipped for having no preference. */
    record Summary(int prompts, int models, int labels, int skipped) {
    }

    static Summary convert(Path clone, String annotator, Path out) throws IOException {
        Path results = clone.resolve("results");
        if (!Files.isDirectory(results)) {
            throw new IllegalArgumentException(clone + " is not a clone of tatsu-lab/alpaca_eval: it has no results/ folder");
        }
        List<Path> files;
        try (Stream<Path> models = Files.list(results)) {
            files = models.map(model -> model.resolve(annotator).resolve("annotations.json")).filter(Files::isRegularFile).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no results/<model>/" + annotator + "/annotations.json under " + clone);
        }
        // Prompt ids in the order the evaluation set lists its instructions (every annotations file follows it).
        Map<String, String[]> prompts = new LinkedHashMap<>();
        Map<String, double[]> perModel = new TreeMap<>();
        Files.createDirectories(out);
        int labels = 0;
        int skipped = 0;
        try (var labelsOut = Files.newBufferedWriter(out.resolve("labels.jsonl"), StandardCharsets.UTF_8);
             var responsesOut = Files.newBufferedWriter(out.resolve("responses.jsonl"), StandardCharsets.UTF_8)) {
            for (Path file : files) {
                JsonArray annotations;
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    annotations = JsonParser.parseReader(reader).getAsJsonArray();
                }
                for (JsonElement element : annotations) {
                    JsonObject a = element.getAsJsonObject();
                    String instruction = a.get("instruction").getAsString();
                    String[] prompt = prompts.computeIfAbsent(instruction, text -> new String[] {
                            String.format(Locale.ROOT, "ae%03d", prompts.size() + 1), string(a, "dataset")});
                    JsonElement preference = a.get("preference");
                    if (preference == null || preference.isJsonNull()) {
                        skipped++;
                        continue;
                    }
                    String model = a.get("generator_2").getAsString();
                    String output = string(a, "output_2");
                    double win = Math.max(0, Math.min(1, preference.getAsDouble() - 1));
                    JsonObject label = new JsonObject();
                    label.addProperty("prompt_id", prompt[0]);
                    label.addProperty("model", model);
                    label.addProperty("win_vs_ref", win);
                    label.addProperty("ref_model", string(a, "generator_1"));
                    label.addProperty("resp_chars", output.length());
                    labelsOut.write(label + "\n");
                    JsonObject response = new JsonObject();
                    response.addProperty("prompt_id", prompt[0]);
                    response.addProperty("model", model);
                    response.addProperty("response", output.length() > MAX_RESPONSE_CHARS ? output.substring(0, MAX_RESPONSE_CHARS) : output);
                    response.addProperty("truncated", output.length() > MAX_RESPONSE_CHARS);
                    responsesOut.write(response + "\n");
                    double[] sum = perModel.computeIfAbsent(model, m -> new double[2]);
                    sum[0] += win;
                    sum[1]++;
                    labels++;
                }
            }
        }
        try (var promptsOut = Files.newBufferedWriter(out.resolve("prompts.jsonl"), StandardCharsets.UTF_8)) {
            for (Map.Entry<String, String[]> prompt : prompts.entrySet()) {
                JsonObject row = new JsonObject();
                row.addProperty("prompt_id", prompt.getValue()[0]);
                row.addProperty("subset", prompt.getValue()[1]);
                row.addProperty("prompt", prompt.getKey());
                promptsOut.write(row + "\n");
            }
        }
        JsonObject models = new JsonObject();
        for (Map.Entry<String, double[]> model : perModel.entrySet()) {
            JsonObject info = new JsonObject();
            // AlpacaEval's _concise/_verbose entries are prompt variants of another model in the set.
            String name = model.getKey();
            boolean variant = (name.endsWith("_concise") || name.endsWith("_verbose"))
                    && perModel.containsKey(name.substring(0, name.lastIndexOf('_')));
            info.addProperty("flag", variant ? "style_variant" : "ok");
            info.addProperty("prompts", (long) model.getValue()[1]);
            info.addProperty("win_rate", Math.round(10_000 * model.getValue()[0] / model.getValue()[1]) / 100.0);
            models.add(name, info);
        }
        Files.writeString(out.resolve("models.json"), models + "\n", StandardCharsets.UTF_8);
        return new Summary(prompts.size(), perModel.size(), labels, skipped);
    }

    private static String string(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value == null || value.isJsonNull() ? "" : value.getAsString();
    }
}
