package dev.llmc.model.training;

import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.model.training.internal.ControllerParameters;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExpertMeansTest {
    private static final int RATING = ControllerParameters.RATING;
    private static final float[] EMBEDDING = {1, 0, 0, 0};

    /**
     * By hand, rating targets t = (stars − 1)/4 with propensity 1, 100 examples each: a 40% t = 1 (ȳ 0.4, variance
     * 0.24), b 50% (0.5, 0.25), c 60% (0.6, 0.24). σ² = 100·(0.24 + 0.25 + 0.24)/297 = 0.245791; μ = 0.5;
     * τ² = Σ(ȳ − μ)²/2 − σ²/100 = 0.01 − 0.002458 = 0.007542; κ = σ²/τ² = 32.5893.
     */
    @Test
    void shrinksEachMeanTowardTheMeanOverExpertsByEmpiricalBayes() {
        List<TrainingExample> examples = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rate(examples, "a", 1f, i < 40 ? 5 : 1);
            rate(examples, "b", 1f, i < 50 ? 5 : 1);
            rate(examples, "c", 1f, i < 60 ? 5 : 1);
        }

        ExpertMeans means = ExpertMeans.fit(examples);

        double sigma2 = 100 * (0.24 + 0.25 + 0.24) / 297;
        double kappa = sigma2 / (0.01 - sigma2 / 100);
        assertEquals(32.5893, kappa, 1e-4);
        assertEquals(kappa, means.pseudoCount(RATING), 1e-9);
        assertEquals(0.5, means.pooledMean(RATING), 1e-12);
        assertEquals((100 * 0.4 + kappa * 0.5) / (100 + kappa), means.mean("a", RATING), 1e-9);
        assertEquals((100 * 0.6 + kappa * 0.5) / (100 + kappa), means.mean("c", RATING), 1e-9);
        assertEquals(0.5, means.mean("never-served", RATING), 1e-12, "an unseen expert is the average expert");
        assertEquals(Math.log(means.mean("a", RATING) / (1 - means.mean("a", RATING))), means.raw("a")[RATING], 1e-9);
    }

    /**
     * a = {0, ½, 1}, b = {1, 1, ½, ½}, c = {0, 0}: σ² = 1/8, μ = 5/12, τ² = 0.100694, so empirical Bayes alone would
     * take κ = 1.24; the floor of 10 pseudo-examples applies.
     */
    @Test
    void aFewExamplesPerExpertAreShrunkWithAtLeastTenPseudoExamples() {
        List<TrainingExample> examples = new ArrayList<>();
        rate(examples, "a", 1f, 1, 3, 5);
        rate(examples, "b", 1f, 5, 5, 3, 3);
        rate(examples, "c", 1f, 1, 1);

        ExpertMeans means = ExpertMeans.fit(examples);

        assertEquals(10, means.pseudoCount(RATING), 1e-12);
        assertEquals(5 / 12.0, means.pooledMean(RATING), 1e-12);
        assertEquals((4 * 0.75 + 10 * 5 / 12.0) / 14, means.mean("b", RATING), 1e-9);
    }

    @Test
    void threeLuckyRatingsDoNotOutrankTwoHundredGoodOnes() {
        Random random = new Random(1);
        List<TrainingExample> examples = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rate(examples, "steady", 1f, random.nextDouble() < 0.7 ? 5 : 3);
        }
        for (String poor : List.of("p1", "p2", "p3", "p4", "p5")) {
            for (int i = 0; i < 40; i++) {
                rate(examples, poor, 1f, 1 + random.nextInt(3));
            }
        }
        rate(examples, "lucky", 1f, 5, 5, 5);

        ExpertMeans means = ExpertMeans.fit(examples);

        assertTrue(means.mean("lucky", RATING) < means.mean("steady", RATING),
                means.mean("lucky", RATING) + " vs " + means.mean("steady", RATING));
        // Two hundred examples are barely shrunk: within 0.03 of steady's raw mean (about 0.85).
        double raw = examples.stream().filter(e -> e.expertId().equals("steady")).mapToDouble(e -> (e.rating() - 1) / 4.0)
                .average().orElseThrow();
        assertEquals(raw, means.mean("steady", RATING), 0.03);
    }

    /**
     * An adaptive policy served "b" mostly where it was sure (propensity 1, rated 3) and rarely elsewhere (propensity
     * 0.1, rated 5): weighted by 1/p the rarely served conversations count ten times, as they stand for ten times as
     * much of the traffic; b's weighted mean is (10·½ + 30·1)/40 = 7/8 on an effective count of 40²/(10 + 3·100).
     */
    @Test
    void weightsEachExampleByItsClippedInversePropensity() {
        List<TrainingExample> examples = new ArrayList<>();
        rate(examples, "a", 1f, 3, 3, 3, 3);
        rate(examples, "b", 1f, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3);
        rate(examples, "b", 0.1f, 5, 5);
        rate(examples, "b", 0.001f, 5); // weight clipped at 10, like the p = 0.1 ones

        ExpertMeans means = ExpertMeans.fit(examples);

        double mu = (0.5 + 0.875) / 2;
        double kappa = means.pseudoCount(RATING);
        double effective = 40.0 * 40 / 310;
        assertEquals(mu, means.pooledMean(RATING), 1e-12);
        assertEquals(10, kappa, 1e-12);
        assertEquals((effective * 0.875 + kappa * mu) / (effective + kappa), means.mean("b", RATING), 1e-9);
        assertEquals((4 * 0.5 + kappa * mu) / (4 + kappa), means.mean("a", RATING), 1e-9);
    }

    @Test
    void theControllerRanksEveryConversationByTheMeansAndANewExpertAsTheAverage() {
        List<TrainingExample> examples = new ArrayList<>();
        rate(examples, "good", 1f, 5, 5, 4, 5, 4, 5);
        rate(examples, "fair", 1f, 3, 4, 3, 4, 3, 4);
        rate(examples, "poor", 1f, 1, 2, 1, 1, 2, 1);
        ExpertMeans means = ExpertMeans.fit(examples);
        ControllerArtifact trained = randomTrained(List.of("fair", "good", "poor"), new Random(3));

        ControllerArtifact fallback = means.controller(trained);

        assertEquals(trained.manifest(), fallback.manifest());
        assertArrayEquals(trained.parameters().projection(), fallback.parameters().projection());
        for (int s = 0; s < ControllerParameters.HEADS; s++) {
            assertArrayEquals(new float[3 * trained.manifest().k()], fallback.parameters().theta()[s], "θ = 0: no conversation term");
            assertEquals(0f, fallback.parameters().contentScale()[s]);
        }
        assertEquals((float) means.raw("good")[RATING], fallback.parameters().bias()[RATING][1]);
        Controller controller = ControllerArtifact.fromBytes(fallback.toBytes()).controller();
        Random random = new Random(4);
        List<ExpertProfile> experts = List.of(profile("poor", random), profile("newcomer", random), profile("good", random),
                profile("fair", random));
        for (int i = 0; i < 20; i++) {
            float[] conversation = unit(random);
            List<String> ranking = controller.rank(conversation, experts, 4).stream().map(ScoredExpert::expertId).toList();
            assertEquals(List.of("good", "fair", "newcomer", "poor"), ranking,
                    "by mean, the newcomer at the mean over experts, whatever its description");
        }
    }

    private static void rate(List<TrainingExample> examples, String expert, float propensity, int... stars) {
        for (int rating : stars) {
            int i = examples.size();
            examples.add(new TrainingExample("m" + i, expert, EMBEDDING, propensity, i, rating, false, Float.NaN));
        }
    }

    private static ControllerArtifact randomTrained(List<String> expertIds, Random random) {
        int d = EMBEDDING.length;
        int k = 3;
        float[] projection = new float[d * k];
        float[][] theta = new float[ControllerParameters.HEADS][expertIds.size() * k];
        float[][] bias = new float[ControllerParameters.HEADS][expertIds.size()];
        for (int i = 0; i < projection.length; i++) {
            projection[i] = (float) random.nextGaussian();
        }
        for (int s = 0; s < ControllerParameters.HEADS; s++) {
            for (int i = 0; i < theta[s].length; i++) {
                theta[s][i] = (float) random.nextGaussian();
            }
        }
        ControllerManifest manifest = new ControllerManifest("v1", Instant.EPOCH, expertIds, k, 1, 1, 0.1, -2, 1, 0.1, 0, 0,
                18, 0, Map.of(), "test-encoder");
        return ControllerArtifact.of(manifest, new ControllerParameters(d, k, projection, theta, bias,
                new float[] {1, 1, 1}, new float[ControllerParameters.HEADS]));
    }

    private static ExpertProfile profile(String id, Random random) {
        return new ExpertProfile(id, unit(random));
    }

    private static float[] unit(Random random) {
        float[] v = new float[EMBEDDING.length];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }
}
