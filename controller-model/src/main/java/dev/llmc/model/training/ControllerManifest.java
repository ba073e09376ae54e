package dev.llmc.model.training;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a trained controller is: its version id, experts, k, loss weights α, serving weights w, training data range,
 * hold-out metrics (metric names to values, sorted by name) and the encoder whose e(C) it was trained on.
 *
 * @param trainedFromMillis servedAtMillis of the oldest training example
 * @param trainedToMillis   servedAtMillis of the newest training example (hold-out examples are newer or equal)
 * @param encoderId         {@code SentenceEncoder.id()} of the embeddings it was trained on: it is served only with that encoder
 */
public record ControllerManifest(String versionId, Instant createdAt, List<String> expertIds, int k,
        double alphaRetry, double alphaRating, double alphaLength,
        double servingWeightRetry, double servingWeightRating, double servingWeightLength,
        long trainedFromMillis, long trainedToMillis, long trainingExamples, long holdoutExamples,
        Map<String, Double> metrics, String encoderId) {

    public ControllerManifest {
        if (versionId == null || versionId.isBlank()) {
            throw new IllegalArgumentException("versionId must not be blank");
        }
        if (encoderId == null || encoderId.isBlank()) {
            throw new IllegalArgumentException("encoderId must not be blank");
        }
        if (createdAt == null) {
            throw new IllegalArgumentException("createdAt must not be null");
        }
        expertIds = List.copyOf(expertIds);
        metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
    }
}
