package dev.llmc.model.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrainingConfigTest {

    private static final TrainingConfig D = TrainingConfig.defaults();

    @Test
    void defaultsAreThirtyTwoDimensionsThreeEpochsAndATenthHeldOut() {
        assertEquals(new TrainingConfig(32, 1.0, 1.0, 0.1, -2.0, 1.0, 0.1, 30.0, 3, 1024, 0.01, 42L, 0.1), D);
    }

    @Test
    void defaultServingWeightCountsARetryAgainstAnExpert() {
        assertTrue(D.servingWeightRetry() < 0, "servingWeightRetry " + D.servingWeightRetry());
    }

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                Arguments.of("k", (Supplier<TrainingConfig>) () -> new TrainingConfig(0, 1, 1, 1, -1, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Arguments.of("alphaRetry", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, -1, 1, 1, -1, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Arguments.of("alphaRating", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, 1, Double.NaN, 1, -1, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Arguments.of("alphaLength", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, 1, 1, -0.5, -1, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Arguments.of("must not all be 0", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, 0, 0, 0, -1, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Arguments.of("servingWeightRetry", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, 1, 1, 1, 0.5, 1, 0, 1, 1, 1, 0.01, 1, 0)),
                Arguments.of("servingWeightRating", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, 1, 1, 1, -1, Double.POSITIVE_INFINITY, 0, 1, 1, 1, 0.01, 1, 0)),
                Arguments.of("servingWeightLength", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, 1, 1, 1, -1, 1, Double.NaN, 1, 1, 1, 0.01, 1, 0)),
                Arguments.of("contentRegularisation", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, 1, 1, 1, -1, 1, 0, -1, 1, 1, 0.01, 1, 0)),
                Arguments.of("epochs", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, 1, 1, 1, -1, 1, 0, 1, 0, 1, 0.01, 1, 0)),
                Arguments.of("batchSize", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, 1, 1, 1, -1, 1, 0, 1, 1, 0, 0.01, 1, 0)),
                Arguments.of("learningRate", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, 1, 1, 1, -1, 1, 0, 1, 1, 1, 0, 1, 0)),
                Arguments.of("holdoutFraction", (Supplier<TrainingConfig>) () -> new TrainingConfig(8, 1, 1, 1, -1, 1, 0, 1, 1, 1, 0.01, 1, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigs")
    void rejectsAnInvalidValueNamingTheField(String field, Supplier<TrainingConfig> config) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, config::get);

        assertTrue(e.getMessage().contains(field), e.getMessage());
    }
}
