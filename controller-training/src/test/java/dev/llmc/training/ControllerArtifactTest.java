package dev.llmc.training;

import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.model.training.ControllerManifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ScoredExpert;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ControllerArtifactTest {

    private static TwoClusters data;
    private static ControllerArtifact artifact;

    @BeforeAll
    static void train() {
        data = new TwoClusters(11);
        artifact = new ControllerTrainer(TwoClusters.config().withEpochs(5).withHoldoutFraction(0.2))
                .train("2026-11-23.1", data.fullFeedback(200), data.contentTheta(), "test-encoder", null);
    }

    @Test
    void roundTripKeepsManifestAndScoresToTheLastBit() {
        ControllerArtifact copy = ControllerArtifact.fromBytes(artifact.toBytes());

        assertEquals(artifact.manifest(), copy.manifest());
        assertEquals(artifact.parameters(), copy.parameters());
        List<ExpertProfile> experts = List.of(new ExpertProfile(TwoClusters.ALPHA, data.centreA),
                new ExpertProfile(TwoClusters.BETA, data.centreB), new ExpertProfile("newcomer", data.randomUnit()));
        for (int i = 0; i < 20; i++) {
            float[] conversation = data.point(i % 2 == 0);
            assertArrayEquals(bits(artifact.controller().rank(conversation, experts, 3)),
                    bits(copy.controller().rank(conversation, experts, 3)));
        }
        assertArrayEquals(artifact.toBytes(), copy.toBytes());
    }

    @Test
    void manifestRecordsVersionExpertsWeightsAndHoldoutMetrics() {
        ControllerManifest manifest = artifact.manifest();

        assertEquals("2026-11-23.1", manifest.versionId());
        assertEquals(List.of(TwoClusters.ALPHA, TwoClusters.BETA), manifest.expertIds());
        assertEquals(TwoClusters.config().servingWeightRetry(), manifest.servingWeightRetry());
        assertEquals(320, manifest.trainingExamples());
        assertEquals(80, manifest.holdoutExamples());
        assertTrue(manifest.metrics().keySet().containsAll(List.of("train_loss", "holdout_loss", "holdout_rating_rmse",
                "holdout_retry_log_loss", "holdout_greedy_agreement")), manifest.metrics().toString());
    }

    @Test
    void rejectsABitFlip() {
        byte[] bytes = artifact.toBytes();
        bytes[bytes.length / 2] ^= 0x10;

        assertThrows(IllegalArgumentException.class, () -> ControllerArtifact.fromBytes(bytes));
    }

    @Test
    void rejectsTruncatedBytes() {
        byte[] bytes = artifact.toBytes();

        assertThrows(IllegalArgumentException.class, () -> ControllerArtifact.fromBytes(Arrays.copyOf(bytes, bytes.length - 9)));
        assertThrows(IllegalArgumentException.class, () -> ControllerArtifact.fromBytes(new byte[0]));
    }

    @Test
    void rejectsSomethingElse() {
        assertThrows(IllegalArgumentException.class,
                () -> ControllerArtifact.fromBytes("{\"version\":\"v1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void servesAnExpertTheArtifactHasNotLearned() {
        List<ScoredExpert> ranking = artifact.controller().rank(data.point(true),
                List.of(new ExpertProfile(TwoClusters.ALPHA, data.centreA), new ExpertProfile("newcomer", data.centreA)), 5);

        assertEquals(2, ranking.size());
        assertTrue(ranking.stream().anyMatch(s -> s.expertId().equals("newcomer")));
        assertTrue(Double.isFinite(ranking.getLast().score()));
    }

    @Test
    void rejectsAConversationEmbeddingOfAnotherDimension() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> artifact.controller()
                .rank(new float[12], List.of(new ExpertProfile(TwoClusters.ALPHA, data.centreA)), 1));
        assertTrue(e.getMessage().contains("384"), e.getMessage());
    }

    private static long[] bits(List<ScoredExpert> ranking) {
        return ranking.stream().mapToLong(s -> Double.doubleToRawLongBits(s.score()) ^ s.expertId().hashCode()).toArray();
    }

}
