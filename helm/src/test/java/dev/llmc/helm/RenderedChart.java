package dev.llmc.helm;

import com.marcnuri.helm.Helm;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chart in this module's directory as {@code helm template} renders it (Helm's own Go library, through helm-java,
 * so no helm binary or cluster is needed), parsed into one map per Kubernetes object.
 */
final class RenderedChart {
    static final Path CHART = Path.of("").toAbsolutePath();
    static final String RELEASE = "llmc";

    private final List<Map<String, Object>> objects;

    private RenderedChart(List<Map<String, Object>> objects) {
        this.objects = objects;
    }

    /** Renders with values.yaml alone, or with values.yaml overridden by the given file of this directory. */
    static RenderedChart render(String... valuesFiles) {
        var template = new Helm(CHART).template().withName(RELEASE).withNamespace("llmc");
        for (String file : valuesFiles) {
            template.withValuesFile(CHART.resolve(file));
        }
        return parse(template.call());
    }

    /** Renders with extra {@code --set} values on top of values.yaml. */
    static RenderedChart renderWith(Map<String, Object> sets) {
        var template = new Helm(CHART).template().withName(RELEASE).withNamespace("llmc");
        sets.forEach(template::set);
        return parse(template.call());
    }

    @SuppressWarnings("unchecked")
    private static RenderedChart parse(String manifests) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object document : new Yaml().loadAll(manifests)) {
            if (document != null) {
                objects.add((Map<String, Object>) document);
            }
        }
        return new RenderedChart(objects);
    }

    List<Map<String, Object>> objects() {
        return objects;
    }

    List<String> kinds() {
        return objects.stream().map(object -> (String) object.get("kind")).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return objects.stream()
                .filter(object -> kind.equals(object.get("kind")) && name.equals(at(object, "metadata", "name")))
                .findFirst();
    }

    Map<String, Object> get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + kinds()));
    }

    /** The first container of a Deployment's or a CronJob's pod template. */
    @SuppressWarnings("unchecked")
    Map<String, Object> container(String kind, String name) {
        Map<String, Object> object = get(kind, name);
        Map<String, Object> podSpec = kind.equals("CronJob")
                ? at(object, "spec", "jobTemplate", "spec", "template", "spec")
                : at(object, "spec", "template", "spec");
        return ((List<Map<String, Object>>) podSpec.get("containers")).getFirst();
    }

    /** A nested value by keys; fails with the path when one is missing. */
    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> map, String... keys) {
        Object current = map;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> level) || !level.containsKey(key)) {
                throw new AssertionError("missing " + String.join(".", keys) + " (at " + key + ")");
            }
            current = level.get(key);
        }
        return (T) current;
    }

    /** A container's environment variables by name. */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> env(Map<String, Object> container) {
        Map<String, Map<String, Object>> byName = new java.util.LinkedHashMap<>();
        for (Map<String, Object> variable : (List<Map<String, Object>>) container.get("env")) {
            byName.put((String) variable.get("name"), variable);
        }
        return byName;
    }
}
