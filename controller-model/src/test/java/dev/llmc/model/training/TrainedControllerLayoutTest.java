package dev.llmc.model.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ExpertRanking;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.model.scoring.ScoringSettings;
import dev.llmc.model.training.internal.ControllerParameters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The prepared scan of a trained controller scores and ranks its three heads, learned and cold-start experts, as rank() does. */
class TrainedControllerLayoutTest {
    private static final int D = 48;
    private static final int K = 16;
    private static final int LEARNED = 300;

    @Test
    void exactScanScoresLearnedAndNewExpertsAsTheReference() {
        Random random = new Random(7);
        Controller controller = controller(random);
        List<ExpertProfile> experts = experts(random, 600);
        ExpertRanking exact = controller.prepare(experts, ScoringSettings.exact());

        for (int q = 0; q < 10; q++) {
            float[] e = gaussian(random, D);
            List<ScoredExpert> expected = controller.rank(e, experts, experts.size());
            List<ScoredExpert> actual = exact.rank(e, experts.size());
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++) {
                ScoredExpert reference = expected.get(i);
                assertEquals(reference.score(), exact.score(e, reference.expertId()).score(), 1e-4 * Math.max(1, Math.abs(reference.score())));
                assertEquals(reference.score(), actual.get(i).score(), 1e-4 * Math.max(1, Math.abs(reference.score())));
            }
        }
    }

    @Test
    void priorRewardIsTheRatingHeadsPredictionOfTheNormalisedRating() {
        Random random = new Random(9);
        TrainedController controller = (TrainedController) controller(random);
        List<ExpertProfile> experts = experts(random, 600);
        Map<String, ExpertProfile> byId = new HashMap<>();
        experts.forEach(expert -> byId.put(expert.expertId(), expert));
        ExpertRanking exact = controller.prepare(experts, ScoringSettings.exact());
        double[] raw = new double[ControllerParameters.HEADS];

        for (int q = 0; q < 5; q++) {
            float[] e = gaussian(random, D);
            double[] x = controller.project(e, "the conversation embedding");
            List<ScoredExpert> rewards = exact.priorRewards(e);
            assertEquals(experts.size(), rewards.size());
            for (ScoredExpert reward : rewards) {
                // Learned experts (the first LEARNED) and new ones alike: (E[stars] − 1)/4 from the rating head.
                controller.heads(byId.get(reward.expertId()), x, raw);
                double stars = TrainedController.expectedStars(raw[ControllerParameters.RATING]);
                assertEquals((stars - 1) / 4, reward.score(), 1e-5, reward.expertId());
                assertTrue(reward.score() > 0 && reward.score() < 1, reward.toString());
            }
        }
    }

    @Test
    void indexedScanFindsMostOfTheTrainedTopTen() {
        Random random = new Random(8);
        Controller controller = controller(random);
        List<ExpertProfile> experts = experts(random, 3_000);
        ExpertRanking indexed = controller.prepare(experts, new ScoringSettings(1_000, 200, 16, 100, 1));

        int found = 0;
        for (int q = 0; q < 20; q++) {
            float[] e = gaussian(random, D);
            Set<String> truth = new HashSet<>(controller.rank(e, experts, 10).stream().map(ScoredExpert::expertId).toList());
            found += (int) indexed.rank(e, 10).stream().filter(hit -> truth.contains(hit.expertId())).count();
        }
        assertTrue(found / 200.0 >= 0.9, "recall@10 " + found / 200.0);
    }

    @ParameterizedTest(name = "k = {0}")
    @ValueSource(ints = {K, 200})
    void exactScanRanksTheTopTenAsTheReference(int k) {
        Random random = new Random(9);
        // 1,500 learned and 1,500 new experts: several blocks of each; k = 200 is scanned by rows, k = 16 by columns.
        Controller controller = build(parameters(random, k, 1_500), learnedIds(1_500));
        List<ExpertProfile> experts = experts(random, 3_000);
        ExpertRanking exact = controller.prepare(experts, ScoringSettings.exact());

        for (int q = 0; q < 30; q++) {
            float[] e = gaussian(random, D);
            List<ScoredExpert> expected = controller.rank(e, experts, 10);
            List<ScoredExpert> actual = exact.rank(e, 10);
            assertEquals(ids(expected), ids(actual), "query " + q);
            for (int i = 0; i < expected.size(); i++) {
                double reference = expected.get(i).score();
                assertEquals(reference, actual.get(i).score(), 1e-5 * Math.max(1, Math.abs(reference)));
            }
        }
    }

    @Test
    void exactScanBreaksTiesAsTheReferenceForLearnedAndNewExperts() {
        Random random = new Random(10);
        // Two learned experts with the same parameters and a bias that puts them on top (retry unlikely, five stars).
        int learnedOthers = 40;
        List<String> learned = new ArrayList<>(learnedIds(learnedOthers));
        learned.addAll(List.of("twin-learned-b", "twin-learned-a"));
        ControllerParameters parameters = parameters(random, K, learned.size());
        for (int twin = learnedOthers; twin < learnedOthers + 2; twin++) {
            for (int s = 0; s < ControllerParameters.HEADS; s++) {
                System.arraycopy(parameters.theta()[s], 0, parameters.theta()[s], twin * K, K);
            }
            parameters.bias()[ControllerParameters.RETRY][twin] = -6;
            parameters.bias()[ControllerParameters.RATING][twin] = 6;
            parameters.bias()[ControllerParameters.LENGTH][twin] = 1;
        }
        Controller controller = build(parameters, learned);
        List<ExpertProfile> others = experts(random, 2 * learnedOthers);
        float[] twinContent = gaussian(random, D);
        List<ExpertProfile> newTwins = List.of(new ExpertProfile("twin-new-b", twinContent),
                new ExpertProfile("twin-new-a", twinContent.clone()));

        // The scan meets each twin "b" before its "a"; the ranking orders them by id, with or without room for both.
        List<ExpertProfile> withLearnedTwins = new ArrayList<>(others);
        withLearnedTwins.addAll(List.of(new ExpertProfile("twin-learned-b", null), new ExpertProfile("twin-learned-a", null)));
        assertTiesAsTheReference(controller, withLearnedTwins, gaussian(random, D), "twin-learned-a", "twin-learned-b");
        // Only new experts, and e(C) = the twins' content: their similarity is the highest, and every head rises with it.
        List<ExpertProfile> onlyNew = new ArrayList<>(others.subList(learnedOthers, others.size()));
        onlyNew.addAll(newTwins);
        assertTiesAsTheReference(controller, onlyNew, twinContent, "twin-new-a", "twin-new-b");
    }

    private static void assertTiesAsTheReference(Controller controller, List<ExpertProfile> experts, float[] e,
                                                 String first, String second) {
        ExpertRanking exact = controller.prepare(experts, ScoringSettings.exact());
        List<ScoredExpert> top = exact.rank(e, 2);
        assertEquals(List.of(first, second), ids(top));
        assertEquals(top.get(0).score(), top.get(1).score());
        assertEquals(List.of(first), ids(exact.rank(e, 1)));
        assertEquals(ids(controller.rank(e, experts, 2)), ids(top));
        assertEquals(ids(controller.rank(e, experts, experts.size())), ids(exact.rank(e, experts.size())));
    }

    /** A controller that learned experts 0..LEARNED-1; the rest are new and scored from their content θ. */
    private static Controller controller(Random random) {
        return build(parameters(random, K, LEARNED), learnedIds(LEARNED));
    }

    /** Random parameters of k dimensions for {@code learned} experts. */
    private static ControllerParameters parameters(Random random, int k, int learned) {
        float[][] theta = new float[ControllerParameters.HEADS][];
        float[][] bias = new float[ControllerParameters.HEADS][];
        for (int s = 0; s < ControllerParameters.HEADS; s++) {
            theta[s] = scaled(gaussian(random, learned * k), 0.5f);
            bias[s] = scaled(gaussian(random, learned), 0.3f);
        }
        return new ControllerParameters(D, k, scaled(gaussian(random, D * k), 0.2f), theta, bias,
                new float[] {-0.8f, 1.2f, 0.4f}, new float[] {-1f, 0.5f, 0.2f});
    }

    private static Controller build(ControllerParameters parameters, List<String> learned) {
        ControllerManifest manifest = new ControllerManifest("v-test", Instant.EPOCH, learned, parameters.k(), 1, 1, 1,
                -1, 0.5, 0.2, 0, 0, 0, 0, Map.of(), EncoderModel.STATIC.id());
        return ControllerArtifact.of(manifest, parameters).controller();
    }

    private static List<String> learnedIds(int count) {
        List<String> learned = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            learned.add("expert-" + m);
        }
        return learned;
    }

    private static List<ExpertProfile> experts(Random random, int count) {
        List<ExpertProfile> experts = new ArrayList<>();
        for (int m = 0; m < count; m++) {
            experts.add(new ExpertProfile("expert-" + m, gaussian(random, D)));
        }
        return experts;
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static List<String> ids(List<ScoredExpert> ranking) {
        return ranking.stream().map(ScoredExpert::expertId).toList();
    }

    private static float[] scaled(float[] v, float factor) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return v;
    }
}
