package dev.llmc.model.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExpertRankingTest {
    private static final int DIMENSION = 384;
    private static final ContentBasedController CONTENT = new ContentBasedController();

    @Test
    void exactScanScoresAsTheReferenceScorer() {
        Random random = new Random(1);
        List<ExpertProfile> experts = randomExperts(random, 3_000);
        ExpertRanking exact = CONTENT.prepare(experts, ScoringSettings.exact());

        for (int query = 0; query < 20; query++) {
            float[] x = unit(random, DIMENSION);
            List<ScoredExpert> expected = CONTENT.rank(x, experts, 10);
            List<ScoredExpert> actual = exact.rank(x, 10);
            assertEquals(ids(expected), ids(actual));
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).score(), actual.get(i).score(), 1e-5);
            }
            ScoredExpert last = expected.getLast();
            assertEquals(last.score(), exact.score(x, last.expertId()).score(), 1e-5);
        }
        assertNull(exact.score(unit(random, DIMENSION), "not-registered"));
    }

    @Test
    void exactScanKeepsTopKAndBreaksTiesByExpertId() {
        float[] same = {1f, 0f};
        List<ExpertProfile> experts = List.of(new ExpertProfile("c", same), new ExpertProfile("a", same),
                new ExpertProfile("d", new float[] {0f, 1f}), new ExpertProfile("b", same));
        ExpertRanking exact = CONTENT.prepare(experts, ScoringSettings.exact());

        assertEquals(List.of("a", "b", "c"), ids(exact.rank(new float[] {1f, 0f}, 3)));
        assertEquals(List.of("d", "a", "b", "c"), ids(exact.rank(new float[] {0f, 1f}, 10)));
    }

    @Test
    void thresholdChoosesTheExactScanOrTheIndex() {
        List<ExpertProfile> experts = randomExperts(new Random(2), 100);
        ScoringSettings threshold100 = new ScoringSettings(100, 20, 16, 100, 1);
        ScoringSettings threshold101 = new ScoringSettings(101, 20, 16, 100, 1);

        assertInstanceOf(IndexedScan.class, CONTENT.prepare(experts, threshold100));
        assertInstanceOf(ExactScan.class, CONTENT.prepare(experts, threshold101));
    }

    @Test
    void indexReturnsTheExactTopKOnWellSeparatedData() {
        Random random = new Random(3);
        List<ExpertProfile> experts = new ArrayList<>(randomExperts(random, 2_000));
        float[] query = unit(random, DIMENSION);
        // Ten experts close to the query at clearly different distances, everything else nearly orthogonal to it.
        for (int i = 0; i < 10; i++) {
            experts.add(new ExpertProfile("near-" + i, mix(query, unit(random, DIMENSION), 0.95f - 0.03f * i)));
        }
        ExpertRanking indexed = CONTENT.prepare(experts, new ScoringSettings(1_000, 50, 16, 100, 1));

        List<ScoredExpert> expected = CONTENT.rank(query, experts, 10);
        assertEquals(List.of("near-0", "near-1", "near-2", "near-3", "near-4", "near-5", "near-6", "near-7", "near-8",
                "near-9"), ids(expected));
        List<ScoredExpert> actual = indexed.rank(query, 10);
        assertEquals(ids(expected), ids(actual));
        for (int i = 0; i < 10; i++) {
            assertEquals(expected.get(i).score(), actual.get(i).score(), 1e-5);
        }
    }

    @ParameterizedTest(name = "built by {0} thread(s)")
    @ValueSource(ints = {1, 2})
    void indexRecallOnRandomDataMeetsTheFloor(int buildThreads) {
        Random random = new Random(4);
        List<ExpertProfile> experts = randomExperts(random, 4_000);
        ExpertRanking exact = CONTENT.prepare(experts, ScoringSettings.exact());
        ExpertRanking indexed = CONTENT.prepare(experts, new ScoringSettings(1_000, 200, 16, 100, buildThreads));

        int found = 0;
        int queries = 30;
        for (int q = 0; q < queries; q++) {
            float[] x = unit(random, DIMENSION);
            Set<String> truth = new HashSet<>(ids(exact.rank(x, 10)));
            found += (int) indexed.rank(x, 10).stream().filter(hit -> truth.contains(hit.expertId())).count();
        }
        double recall = found / (10.0 * queries);
        assertTrue(recall >= 0.9, "recall@10 " + recall);
    }

    @Test
    void concurrentSearchesFindWhatOneSearchAtATimeFinds() throws Exception {
        Random random = new Random(6);
        List<ExpertProfile> experts = randomExperts(random, 2_000);
        ExpertRanking indexed = CONTENT.prepare(experts, new ScoringSettings(1_000, 50, 16, 100, 1));
        List<float[]> queries = new ArrayList<>();
        List<List<String>> alone = new ArrayList<>();
        for (int q = 0; q < 200; q++) {
            queries.add(unit(random, DIMENSION));
            alone.add(ids(indexed.rank(queries.getLast(), 10)));
        }

        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            List<Future<List<String>>> together = new ArrayList<>();
            for (float[] query : queries) {
                together.add(threads.submit(() -> ids(indexed.rank(query, 10))));
            }
            for (int q = 0; q < queries.size(); q++) {
                assertEquals(alone.get(q), together.get(q).get(), "query " + q);
            }
        }
    }

    @Test
    void indexFollowsAnExpertRemovedAndAddedAgain() throws IOException {
        Random random = new Random(5);
        List<ExpertProfile> experts = randomExperts(random, 2_000);
        IndexedScan indexed = (IndexedScan) CONTENT.prepare(experts, new ScoringSettings(1_000, 100, 16, 100, 1));
        ScoringMatrix matrix = CONTENT.layout(experts);
        float[] x = unit(random, DIMENSION);
        String best = indexed.rank(x, 1).getFirst().expertId();
        int row = matrix.row(best);

        indexed.remove(row);
        assertTrue(!ids(indexed.rank(x, 10)).contains(best));

        indexed.add(row);
        assertEquals(best, indexed.rank(x, 1).getFirst().expertId());
    }

    @Test
    void contentPriorRewardsAreItsScoresForEverySearchableExpert() throws IOException {
        Random random = new Random(7);
        List<ExpertProfile> experts = randomExperts(random, 1_100);
        ExpertRanking exact = CONTENT.prepare(experts, ScoringSettings.exact());
        IndexedScan indexed = (IndexedScan) CONTENT.prepare(experts, new ScoringSettings(1_000, 50, 16, 100, 1));
        float[] x = unit(random, DIMENSION);
        Map<String, Double> scores = new HashMap<>();
        exact.rank(x, experts.size()).forEach(scored -> scores.put(scored.expertId(), scored.score()));

        for (ExpertRanking ranking : List.of(exact, indexed)) {
            List<ScoredExpert> rewards = ranking.priorRewards(x);
            assertEquals(experts.size(), rewards.size());
            assertEquals(scores.keySet(), new HashSet<>(ids(rewards)));
            rewards.forEach(reward -> assertEquals(scores.get(reward.expertId()), reward.score(), 1e-5));
        }

        indexed.remove(CONTENT.layout(experts).row("expert-3"));
        List<String> searchable = ids(indexed.priorRewards(x));
        assertEquals(experts.size() - 1, searchable.size());
        assertFalse(searchable.contains("expert-3"));
    }

    private static List<ExpertProfile> randomExperts(Random random, int count) {
        List<ExpertProfile> experts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            experts.add(new ExpertProfile("expert-" + i, unit(random, DIMENSION)));
        }
        return experts;
    }

    static float[] unit(Random random, int dimension) {
        float[] v = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dimension; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    /** w·a + (1 − w)·b. */
    private static float[] mix(float[] a, float[] b, float w) {
        float[] v = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = w * a[i] + (1 - w) * b[i];
        }
        return v;
    }

    static List<String> ids(List<ScoredExpert> ranking) {
        return ranking.stream().map(ScoredExpert::expertId).toList();
    }
}
