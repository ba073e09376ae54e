package dev.llmc.model.training;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What training stores when the trained model does not beat each expert's mean on the hold-out
 * ({@link DataSufficiency#beatsExpertMeans()}: one-sided, z = 1.645). The manifest records the setting as
 * {@value #ENABLED} and the outcome as {@value #STORED_EXPERT_MEANS} (1 when the stored parameters are the expert means).
 */
public enum TrainingFallback {
    /** Store the expert-means controller ({@link ExpertMeans#controller}) instead: {@code train}'s default. */
    EXPERT_MEANS("expert-means"),
    /** Store the trained model whatever its hold-out shows (still checked, and warned about). */
    NONE("none");

    public static final String ENABLED = "fallback_enabled";
    public static final String STORED_EXPERT_MEANS = "fallback_expert_means";

    private final String wireName;

    TrainingFallback(String wireName) {
        this.wireName = wireName;
    }

    /** The name {@code train --fallback} takes. */
    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the choices, for an unknown name */
    public static TrainingFallback named(String name) {
        return Arrays.stream(values()).filter(value -> value.wireName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown fallback '" + name + "', expected one of "
                        + Arrays.stream(values()).map(TrainingFallback::wireName).collect(Collectors.joining(", "))));
    }

    /** Whether a version's metrics say its parameters are the expert means rather than the trained model. */
    public static boolean storedExpertMeans(Map<String, Double> metrics) {
        return metrics.getOrDefault(STORED_EXPERT_MEANS, 0.0) == 1.0;
    }
}
