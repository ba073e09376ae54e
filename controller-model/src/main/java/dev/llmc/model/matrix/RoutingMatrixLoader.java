package dev.llmc.model.matrix;

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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

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
        Map<String, String> prompts = prompts(directory);
        List<JsonObject> labelRows = readJsonLines(labelsFile);
        String label = labelName != null ? labelName : defaultLabel(labelRows);
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

    /** Every prompt of {@code prompts.jsonl}, id to text, in file order. */
    public static Map<String, String> prompts(Path directory) {
        Map<String, String> prompts = new LinkedHashMap<>();
        forEachJsonLine(directory.resolve("prompts.jsonl"),
                row -> prompts.put(row.get("prompt_id").getAsString(), row.get("prompt").getAsString()));
        return prompts;
    }

    /** Every model with at least one label of the default label field, style variants included, in order of first appearance. */
    public static List<String> allModels(Path directory) {
        List<JsonObject> labelRows = readJsonLines(directory.resolve("labels.jsonl"));
        String label = defaultLabel(labelRows);
        Set<String> models = new LinkedHashSet<>();
        for (JsonObject row : labelRows) {
            JsonElement value = row.get(label);
            if (value != null && !value.isJsonNull()) {
                models.add(row.get("model").getAsString());
            }
        }
        return List.copyOf(models);
    }

    /** The models with a label (labelName, null for the default field) for every prompt of {@code prompts.jsonl}. */
    public static List<String> modelsLabellingEveryPrompt(Path directory, String labelName) {
        Set<String> prompts = prompts(directory).keySet();
        List<JsonObject> labelRows = readJsonLines(directory.resolve("labels.jsonl"));
        String label = labelName != null ? labelName : defaultLabel(labelRows);
        Map<String, Set<String>> labelled = new LinkedHashMap<>();
        for (JsonObject row : labelRows) {
            JsonElement value = row.get(label);
            if (value != null && !value.isJsonNull()) {
                labelled.computeIfAbsent(row.get("model").getAsString(), m -> new HashSet<>()).add(row.get("prompt_id").getAsString());
            }
        }
        return labelled.entrySet().stream().filter(e -> e.getValue().containsAll(prompts)).map(Map.Entry::getKey).toList();
    }

    private static String defaultLabel(List<JsonObject> labelRows) {
        return labelRows.stream().anyMatch(r -> r.has("win_vs_ref")) ? "win_vs_ref" : "score";
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
        forEachJsonLine(file, rows::add);
        return rows;
    }

    /**
     * Streams the objects of a JSON-lines file one at a time (a large file such as {@code responses.jsonl} is never
     * held whole).
     *
     * @throws IllegalArgumentException for a line that is not a JSON object, naming the file and line
     */
    public static void forEachJsonLine(Path file, Consumer<JsonObject> consumer) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonObject row;
                try {
                    row = JsonParser.parseString(line).getAsJsonObject();
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(file + " line " + number + " is not a JSON object");
                }
                consumer.accept(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
