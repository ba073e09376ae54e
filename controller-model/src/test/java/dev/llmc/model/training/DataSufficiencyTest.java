package dev.llmc.model.training;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSufficiencyTest {

    /** The case: about 120 turns over three experts, k = 32. */
    @Test
    void aboutFortyExamplesPerExpertAreThinForThirtyThreeParameters() {
        DataSufficiency check = new DataSufficiency(33, Map.of("cooking", 38L, "programming", 41L, "emotional-support", 29L),
                12, 0.01, 0.02);

        assertFalse(check.enoughPerExpert());
        assertFalse(check.sufficient());
        assertEquals(330, check.neededPerExpert());
        assertEquals("emotional-support", check.sparsestExpert());
        assertEquals(29.0 / 33, check.examplesPerParameter(), 1e-12);
        assertEquals(2, check.warnings().size(), check.warnings().toString());
        assertTrue(check.warnings().getFirst().contains("3 of 3 experts have fewer, the sparsest ('emotional-support') 29"),
                check.warnings().getFirst());
        assertTrue(check.warnings().get(1).contains("12 examples held out, at least 30 needed"), check.warnings().get(1));
    }

    @Test
    void suggestsTheLargestKTheSparsestExpertCarries() {
        DataSufficiency check = new DataSufficiency(33, Map.of("a", 95L, "b", 5000L), 500, 0.05, 0.01);

        assertTrue(check.warnings().getFirst().endsWith("train with --k 8"), check.warnings().getFirst());
    }

    @Test
    void enoughExamplesAndAHoldOutWinAreSufficient() {
        DataSufficiency check = new DataSufficiency(33, Map.of("a", 330L, "b", 4000L), 400, 0.05, 0.01);

        assertTrue(check.sufficient(), check.warnings().toString());
        assertTrue(check.warnings().isEmpty());
    }

    @Test
    void aHoldOutImprovementWithinItsNoiseIsNotAWin() {
        // 0.02 − 1.645 · 0.013 < 0: not shown at one-sided 95%.
        DataSufficiency check = new DataSufficiency(9, Map.of("a", 1000L), 400, 0.02, 0.013);

        assertTrue(check.enoughPerExpert());
        assertFalse(check.beatsExpertMeans());
        assertTrue(check.warnings().getFirst().contains("does not beat predicting each expert's mean"), check.warnings().toString());
    }

    @Test
    void roundTripsThroughManifestMetrics() {
        DataSufficiency check = new DataSufficiency(9, Map.of("a", 100L, "b", 7L), 40, 0.03, 0.01);
        Map<String, Double> metrics = new java.util.HashMap<>(check.metrics());
        metrics.put("holdout_loss_improvement", 0.03);
        metrics.put("holdout_loss_improvement_se", 0.01);

        DataSufficiency read = DataSufficiency.fromMetrics(metrics, 40).orElseThrow();

        assertEquals(check, read);
        assertEquals(0.0, metrics.get("data_sufficient"));
        assertTrue(DataSufficiency.fromMetrics(Map.of("train_loss", 0.1), 40).isEmpty());
    }
}
