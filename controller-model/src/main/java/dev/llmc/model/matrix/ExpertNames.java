package dev.llmc.model.matrix;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Expert names for a matrix's model names: the registry accepts {@code ^[a-z0-9][a-z0-9._-]{0,63}$}, so a model name
 * is lower-cased and every other character becomes {@code -} (e.g. {@code Qwen-14B-Chat} → {@code qwen-14b-chat}). The
 * replay node serves, and the simulation registers, the mapped names.
 */
public final class ExpertNames {
    /** The expert registry's name rule (expert-registry ExpertDraftValidator). */
    static final Pattern RULE = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");

    private ExpertNames() {
    }

    /** The expert name of one model name. */
    public static String of(String model) {
        return model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    }

    /**
     * Model name → expert name for every model, in the given order.
     *
     * @throws IllegalArgumentException when a mapped name still breaks the rule (leading punctuation, too long) or two
     *                                  models map to the same name
     */
    public static Map<String, String> map(List<String> models) {
        Map<String, String> mapped = new LinkedHashMap<>();
        Map<String, String> byName = new LinkedHashMap<>();
        for (String model : models) {
            String name = of(model);
            if (!RULE.matcher(name).matches()) {
                throw new IllegalArgumentException("model '" + model + "' maps to '" + name
                        + "', which is not a valid expert name (" + RULE.pattern() + ")");
            }
            String previous = byName.putIfAbsent(name, model);
            if (previous != null) {
                throw new IllegalArgumentException("models '" + previous + "' and '" + model + "' both map to '" + name + "'");
            }
            mapped.put(model, name);
        }
        return mapped;
    }

    /** The mapping as a two-column text table, one model per line, for logs and stderr. */
    public static String table(Map<String, String> mapped) {
        int width = Math.max("model".length(), mapped.keySet().stream().mapToInt(String::length).max().orElse(0));
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s  expert%n", "model"));
        mapped.forEach((model, name) -> table.append(String.format(Locale.ROOT, "%-" + width + "s  %s%s%n", model, name,
                model.equals(name) ? "" : "  (mapped)")));
        return table.toString();
    }
}
