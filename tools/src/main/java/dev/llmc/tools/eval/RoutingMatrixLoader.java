package dev.llmc.tools.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a matrix directory: {@code prompts.jsonl} ({@code prompt_id}, {@code prompt}), {@code labels.jsonl}
 * ({@code prompt_id}, {@code model}, a numeric label in [0,1]) and optionally {@code models.json} (models flagged
 * {@code style_variant} are left out of the default pool). Prompts missing a label for a pool expert are dropped.
 */
public final class RoutingMatrixLoader {

    private RoutingMatrixLoader() {
    }

    /**
     * Loads the matrix. labelName null means {@code win_vs_ref} if the labels have it, else {@code score}; experts null
     * means every model in the labels except style variants, in order of first appearance.
     *
     * @throws IllegalArgumentException for a missing file, an unknown label field or an expert without labels
     */
    public static RoutingMatrix load(Path directory, String labelName, List<String> experts) {
        Path promptsFile = directory.resolve("prompts.jsonl");
        Path labelsFile = directory.resolve("labels.jsonl");
        if (!Files.isRegularFile(promptsFile) || !Files.isRegularFile(labelsFile)) {
            throw new IllegalArgumentException(directory + " must contain prompts.jsonl and labels.jsonl");
        }
        Map<String, String> prompts = new LinkedHashMap<>();
        for (JsonObject row : readJsonLines(promptsFile)) {
            prompts.put(row.get("prompt_id").getAsString(), row.get("prompt").getAsString());
        }
        List<JsonObject> labelRows = readJsonLines(labelsFile);
        String label = labelName;
        if (label == null) {
            label = labelRows.stream().anyMatch(r -> r.has("win_vs_ref")) ? "win_vs_ref" : "score";
        }
        Set<String> models = new LinkedHashSet<>();
        Map<String, Map<String, Double>> byPrompt = new HashMap<>();
        for (JsonObject row : labelRows) {
            JsonElement value = row.get(label);
            if (value == null || value.isJsonNull()) {
                continue;
            }
            String model = row.get("model").getAsString();
            models.add(model);
            byPrompt.computeIfAbsent(row.get("prompt_id").getAsString(), k -> new HashMap<>()).put(model, value.getAsDouble());
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no label field '" + label + "' in " + labelsFile);
        }
        List<String> pool;
        if (experts == null) {
            Set<String> variants = styleVariants(directory.resolve("models.json"));
            pool = models.stream().filter(m -> !variants.contains(m)).toList();
        } else {
            for (String expert : experts) {
                if (!models.contains(expert)) {
                    throw new IllegalArgumentException("no '" + label + "' labels for expert '" + expert + "' in " + labelsFile);
                }
            }
            pool = List.copyOf(experts);
        }
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (Map.Entry<String, String> prompt : prompts.entrySet()) {
            Map<String, Double> labels = byPrompt.get(prompt.getKey());
            if (labels == null || !labels.keySet().containsAll(pool)) {
                continue;
            }
            double[] row = new double[pool.size()];
            for (int e = 0; e < pool.size(); e++) {
                row[e] = labels.get(pool.get(e));
            }
            ids.add(prompt.getKey());
            texts.add(prompt.getValue());
            rows.add(row);
        }
        return new RoutingMatrix(label, ids, texts, pool, rows.toArray(double[][]::new));
    }

    private static Set<String> styleVariants(Path modelsFile) {
        Set<String> variants = new LinkedHashSet<>();
        if (!Files.isRegularFile(modelsFile)) {
            return variants;
        }
        try {
            JsonObject models = JsonParser.parseString(Files.readString(modelsFile)).getAsJsonObject();
            for (Map.Entry<String, JsonElement> entry : models.entrySet()) {
                JsonElement flag = entry.getValue().getAsJsonObject().get("flag");
                if (flag != null && "style_variant".equals(flag.getAsString())) {
                    variants.add(entry.getKey());
                }
            }
            return variants;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + modelsFile, e);
        }
    }

    private static List<JsonObject> readJsonLines(Path file) {
        List<JsonObject> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(JsonParser.parseString(line).getAsJsonObject());
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
