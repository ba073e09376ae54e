package dev.llmc.training;

import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.model.training.ControllerManifest;
import dev.llmc.model.training.DataSufficiency;
import dev.llmc.model.training.ExpertMeans;
import dev.llmc.model.training.TrainingExample;
import dev.llmc.model.training.TrainingFallback;
import dev.llmc.model.training.internal.ControllerParameters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ScoredExpert;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ControllerTrainerTest {

    private static List<ExpertProfile> profiles(Map<String, float[]> content) {
        return content.entrySet().stream().map(e -> new ExpertProfile(e.getKey(), e.getValue())).toList();
    }

    @Test
    void routesEachClusterToTheExpertThatIsBetterOnIt() {
        TwoClusters data = new TwoClusters(1);
        ControllerArtifact artifact = new ControllerTrainer(TwoClusters.config())
                .train("v1", data.fullFeedback(800), data.contentTheta(), "test-encoder", TrainingProgress.NONE);

        Controller controller = artifact.controller();
        List<ExpertProfile> experts = profiles(data.contentTheta());
        int correct = 0;
        int total = 400;
        for (int i = 0; i < total; i++) {
            boolean clusterA = i % 2 == 0;
            String best = controller.rank(data.point(clusterA), experts, 1).getFirst().expertId();
            if (best.equals(clusterA ? TwoClusters.ALPHA : TwoClusters.BETA)) {
                correct++;
            }
        }
        assertTrue(correct >= 0.95 * total, "routed " + correct + " of " + total + " held-out conversations correctly");
    }

    @Test
    void ranksAnExpertAbsentFromTrainingByItsContentTheta() {
        TwoClusters data = new TwoClusters(2);
        Controller controller = new ControllerTrainer(TwoClusters.config())
                .train("v1", data.fullFeedback(400), data.contentTheta(), "test-encoder", TrainingProgress.NONE).controller();
        List<ExpertProfile> experts = new ArrayList<>(profiles(data.contentTheta()));
        experts.add(new ExpertProfile("newcomer", data.near(data.centreA, 0.5f)));

        double onA = 0;
        double onB = 0;
        for (int i = 0; i < 50; i++) {
            onA += score(controller.rank(data.point(true), experts, 3), "newcomer");
            onB += score(controller.rank(data.point(false), experts, 3), "newcomer");
        }
        assertTrue(onA > onB, "a newcomer described like cluster A scores higher there: " + onA / 50 + " vs " + onB / 50);
    }

    @Test
    void retryHeadWithNegativeServingWeightPushesDownAnExpertThatGetsRetried() {
        TwoClusters data = new TwoClusters(3);
        Random random = new Random(3);
        List<TrainingExample> examples = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String expert = i % 2 == 0 ? "flaky" : "steady";
            boolean retried = random.nextDouble() < (expert.equals("flaky") ? 0.7 : 0.1);
            examples.add(new TrainingExample("m" + i, expert, data.randomUnit(), 1f, i, Float.NaN, retried, Float.NaN));
        }
        Map<String, float[]> content = Map.of("flaky", data.randomUnit(), "steady", data.randomUnit());
        Controller controller = new ControllerTrainer(TwoClusters.config())
                .train("v1", examples, content, "test-encoder", TrainingProgress.NONE).controller();

        int steadyFirst = 0;
        for (int i = 0; i < 100; i++) {
            if (controller.rank(data.randomUnit(), profiles(content), 2).getFirst().expertId().equals("steady")) {
                steadyFirst++;
            }
        }
        assertTrue(steadyFirst >= 95, "steady ranked first on " + steadyFirst + " of 100 conversations");
    }

    @Test
    void sameSeedGivesBitIdenticalParameters() {
        TwoClusters data = new TwoClusters(4);
        List<TrainingExample> examples = data.fullFeedback(300);
        List<TrainingExample> shuffled = new ArrayList<>(examples);
        Collections.shuffle(shuffled, new Random(4));

        ControllerArtifact first = new ControllerTrainer(TwoClusters.config()).train("v1", examples, data.contentTheta(), "test-encoder", null);
        ControllerArtifact second = new ControllerTrainer(TwoClusters.config()).train("v1", shuffled, data.contentTheta(), "test-encoder", null);

        assertEquals(first.parameters(), second.parameters());
    }

    @Test
    void holdsOutTheNewestExamples() {
        TwoClusters data = new TwoClusters(5);
        List<TrainingExample> examples = new ArrayList<>(data.fullFeedback(20));
        Collections.shuffle(examples, new Random(5));

        ControllerManifest manifest = new ControllerTrainer(TwoClusters.config().withHoldoutFraction(0.25))
                .train("v1", examples, data.contentTheta(), "test-encoder", null).manifest();

        // 40 examples served at 0, 0, 1000, 1000, …, 19000, 19000 ms: the newest 10 are those from 15000 ms on.
        assertEquals(30, manifest.trainingExamples());
        assertEquals(10, manifest.holdoutExamples());
        assertEquals(0, manifest.trainedFromMillis());
        assertEquals(14_000, manifest.trainedToMillis());
        assertTrue(manifest.metrics().containsKey("holdout_loss"), manifest.metrics().toString());
    }

    @Test
    void flagsThinDataWhenExpertsHaveFewerThanTenExamplesPerParameter() {
        TwoClusters data = new TwoClusters(7);

        ControllerManifest manifest = new ControllerTrainer(TwoClusters.config().withHoldoutFraction(0.1))
                .train("v1", data.fullFeedback(30), data.contentTheta(), "test-encoder", null).manifest();

        // 60 examples, 54 trained on: 27 per expert against k + 1 = 9 parameters per head (90 needed).
        DataSufficiency check = DataSufficiency.fromMetrics(manifest.metrics(), manifest.holdoutExamples()).orElseThrow();
        assertEquals(27, check.examplesPerExpert().get(TwoClusters.ALPHA));
        assertFalse(check.sufficient(), check.toString());
        assertEquals(0.0, manifest.metrics().get("data_sufficient"));
        assertTrue(check.warnings().getFirst().startsWith("thin data"), check.warnings().toString());
    }

    @Test
    void enoughDataThatTheModelUsesIsSufficient() {
        TwoClusters data = new TwoClusters(8);

        ControllerManifest manifest = new ControllerTrainer(TwoClusters.config().withHoldoutFraction(0.2))
                .train("v1", data.fullFeedback(800), data.contentTheta(), "test-encoder", null).manifest();

        DataSufficiency check = DataSufficiency.fromMetrics(manifest.metrics(), manifest.holdoutExamples()).orElseThrow();
        assertTrue(check.sufficient(), check.warnings() + " " + manifest.metrics());
        assertTrue(manifest.metrics().get("holdout_loss") < manifest.metrics().get("holdout_baseline_loss"), manifest.metrics().toString());
    }

    @Test
    void aModelWhoseConversationsDoNotMatterDoesNotBeatEachExpertsMean() {
        TwoClusters data = new TwoClusters(9);
        Random random = new Random(9);
        List<TrainingExample> examples = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String expert = i % 2 == 0 ? TwoClusters.ALPHA : TwoClusters.BETA;
            float rating = 1 + random.nextInt(expert.equals(TwoClusters.ALPHA) ? 5 : 3);
            examples.add(new TrainingExample("m" + i, expert, data.point(random.nextBoolean()), 1f, i, rating,
                    random.nextDouble() < 0.3, Float.NaN));
        }

        ControllerManifest manifest = new ControllerTrainer(TwoClusters.config().withHoldoutFraction(0.3))
                .train("v1", examples, data.contentTheta(), "test-encoder", null).manifest();

        DataSufficiency check = DataSufficiency.fromMetrics(manifest.metrics(), manifest.holdoutExamples()).orElseThrow();
        assertTrue(check.enoughPerExpert(), check.toString());
        assertFalse(check.beatsExpertMeans(), manifest.metrics().toString());
    }

    /**
     * Experts rated by how good they are, not by the conversation: 4 experts, 50 examples each, k = 8, noisy stars,
     * trained with a hold-out of 20% and the given fallback.
     */
    private static final class ThinNoisy {
        final TwoClusters data = new TwoClusters(10);
        final Map<String, float[]> content = new HashMap<>();
        final List<TrainingExample> examples = new ArrayList<>();
        final ControllerArtifact artifact;

        ThinNoisy(TrainingFallback fallback) {
            Random random = new Random(10);
            List<String> experts = List.of("w", "x", "y", "z");
            for (int i = 0; i < 200; i++) {
                double quality = 0.2 + 0.2 * (i % 4);
                float stars = (float) Math.max(1, Math.min(5, Math.round(1 + 4 * quality + 1.2 * random.nextGaussian())));
                examples.add(new TrainingExample("m" + i, experts.get(i % 4), data.randomUnit(), 0.25f, i, stars, false, Float.NaN));
            }
            for (String expert : experts) {
                content.put(expert, data.randomUnit());
            }
            artifact = new ControllerTrainer(TwoClusters.config().withHoldoutFraction(0.2), fallback)
                    .train("v1", examples, content, "test-encoder", null);
        }
    }

    @Test
    void onThinNoisyDataTrainStoresTheExpertMeansControllerThatRanksByMean() {
        ThinNoisy thin = new ThinNoisy(TrainingFallback.EXPERT_MEANS);
        ControllerArtifact artifact = thin.artifact;

        Map<String, Double> metrics = artifact.manifest().metrics();
        DataSufficiency check = DataSufficiency.fromMetrics(metrics, artifact.manifest().holdoutExamples()).orElseThrow();
        assertFalse(check.beatsExpertMeans(), metrics.toString());
        assertEquals(1.0, metrics.get(TrainingFallback.ENABLED));
        assertEquals(1.0, metrics.get(TrainingFallback.STORED_EXPERT_MEANS));
        assertTrue(metrics.containsKey("holdout_loss") && metrics.containsKey("holdout_baseline_loss"), metrics.toString());
        for (int s = 0; s < ControllerParameters.HEADS; s++) {
            assertArrayEquals(new float[4 * TwoClusters.config().k()], artifact.parameters().theta()[s]);
        }
        // The means of the 160 oldest examples, the ones trained on: every conversation is ranked by them.
        ExpertMeans means = ExpertMeans.fit(thin.examples.subList(0, 160));
        List<String> byMean = thin.content.keySet().stream()
                .sorted(Comparator.comparingDouble((String e) -> -means.mean(e, ControllerParameters.RATING))).toList();
        assertEquals(List.of("z", "y", "x", "w"), byMean);
        Controller controller = artifact.controller();
        for (int i = 0; i < 20; i++) {
            assertEquals(byMean, controller.rank(thin.data.randomUnit(), profiles(thin.content), 4).stream()
                    .map(ScoredExpert::expertId).toList());
        }
    }

    @Test
    void withoutTheFallbackTrainStoresTheTrainedModelWhateverItsHoldOut() {
        ControllerArtifact artifact = new ThinNoisy(TrainingFallback.NONE).artifact;

        assertEquals(0.0, artifact.manifest().metrics().get(TrainingFallback.ENABLED));
        assertEquals(0.0, artifact.manifest().metrics().get(TrainingFallback.STORED_EXPERT_MEANS));
        assertFalse(Arrays.equals(new float[4 * TwoClusters.config().k()], artifact.parameters().theta()[ControllerParameters.RATING]),
                "the trained θ");
    }

    @Test
    void plentyOfDataWithAPerConversationSignalKeepsTheTrainedModel() {
        TwoClusters data = new TwoClusters(11);

        ControllerArtifact artifact = new ControllerTrainer(TwoClusters.config().withHoldoutFraction(0.2), TrainingFallback.EXPERT_MEANS)
                .train("v1", data.fullFeedback(800), data.contentTheta(), "test-encoder", null);

        Map<String, Double> metrics = artifact.manifest().metrics();
        assertEquals(1.0, metrics.get(TrainingFallback.ENABLED));
        assertEquals(0.0, metrics.get(TrainingFallback.STORED_EXPERT_MEANS), metrics.toString());
        assertTrue(metrics.get("holdout_loss_improvement_z") > 1.645, metrics.toString());
        Controller controller = artifact.controller();
        int correct = 0;
        for (int i = 0; i < 200; i++) {
            boolean clusterA = i % 2 == 0;
            String best = controller.rank(data.point(clusterA), profiles(data.contentTheta()), 1).getFirst().expertId();
            correct += best.equals(clusterA ? TwoClusters.ALPHA : TwoClusters.BETA) ? 1 : 0;
        }
        assertTrue(correct >= 190, "routed " + correct + " of 200 conversations to the expert better on their cluster");
    }

    @Test
    void rejectsAnExampleWhoseExpertHasNoContentTheta() {
        TwoClusters data = new TwoClusters(6);
        Map<String, float[]> onlyAlpha = new HashMap<>(data.contentTheta());
        onlyAlpha.remove(TwoClusters.BETA);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ControllerTrainer(
                TwoClusters.config()).train("v1", data.fullFeedback(10), onlyAlpha, "test-encoder", null));
        assertTrue(e.getMessage().contains(TwoClusters.BETA), e.getMessage());
    }

    private static double score(List<ScoredExpert> ranking, String expertId) {
        return ranking.stream().filter(s -> s.expertId().equals(expertId)).findFirst().orElseThrow().score();
    }
}
