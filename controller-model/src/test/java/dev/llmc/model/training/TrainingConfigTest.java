package dev.llmc.model.training;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    private static final TrainingConfig D = TrainingConfig.defaults();

    @Test
    void defaultsAreValid() {
        assertDoesNotThrow(TrainingConfig::defaults);
        assertTrue(D.servingWeightRetry() < 0);
    }

    @Test
    void rejectsInvalidValuesNamingTheField() {
        Map<String, Supplier<TrainingConfig>> invalid = Map.ofEntries(
                Map.entry("k", () -> new TrainingConfig(0, 1, 1, 1, -1, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Map.entry("alphaRetry", () -> new TrainingConfig(8, -1, 1, 1, -1, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Map.entry("alphaRating", () -> new TrainingConfig(8, 1, Double.NaN, 1, -1, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Map.entry("alphaLength", () -> new TrainingConfig(8, 1, 1, -0.5, -1, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Map.entry("must not all be 0", () -> new TrainingConfig(8, 0, 0, 0, -1, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Map.entry("servingWeightRetry", () -> new TrainingConfig(8, 1, 1, 1, 0.5, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Map.entry("servingWeightRating", () -> new TrainingConfig(8, 1, 1, 1, -1, Double.POSITIVE_INFINITY, 0, 1, 1, 1, 0.01, 1, 0)),
                Map.entry("servingWeightLength", () -> new TrainingConfig(8, 1, 1, 1, -1, 1, Double.NaN, 1, 1, 1, 0.01, 1, 0)),
                Map.entry("contentRegularisation", () -> new TrainingConfig(8, 1, 1, 1, -1, 1, 0, -1, 1, 1, 0.01, 1, 0)),
                Map.entry("epochs", () -> new TrainingConfig(8, 1, 1, 1, -1, 1, 0, 1, 0, 1, 0.01, 1, 0)),
                Map.entry("batchSize", () -> new TrainingConfig(8, 1, 1, 1, -1, 1, 0, 1, 1, 0, 0.01, 1, 0)),
                Map.entry("learningRate", () -> new TrainingConfig(8, 1, 1, 1, -1, 1, 0, 1, 1, 1, 0, 1, 0)),
                Map.entry("holdoutFraction", () -> new TrainingConfig(8, 1, 1, 1, -1, 1, 0, 1, 1, 1, 0.01, 1, 1)));
        invalid.forEach((field, config) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::get, field);
            assertTrue(e.getMessage().contains(field), field + ": " + e.getMessage());
        });
    }
}
