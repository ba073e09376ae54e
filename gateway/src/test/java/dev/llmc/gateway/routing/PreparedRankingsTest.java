package dev.llmc.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llmc.gateway.config.ScoringIndexConfig;
import dev.llmc.model.scoring.ContentBasedController;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExactScan;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ExpertRanking;
import dev.llmc.model.scoring.IndexedScan;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.model.scoring.ScoringMatrix;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;
import dev.llmc.registry.ExpertStatus;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class PreparedRankingsTest {
    private static final float[] X = {0f, 1f, 7f};
    private final ContentBasedController content = new ContentBasedController();
    /** The background's builds, run when a test says so. */
    private final Deque<Runnable> builds = new ArrayDeque<>();

    private PreparedRankings rankings(int threshold) {
        return new PreparedRankings(new ScoringIndexConfig(threshold, 20, 16, 100, 1), builds::add);
    }

    /** From one expert on: every set gets an index, built in the background (the first one after an exact scan). */
    private PreparedRankings indexed() {
        return rankings(1);
    }

    private void runBuilds() {
        while (!builds.isEmpty()) {
            builds.poll().run();
        }
    }

    @Test
    void reusesTheRankingUntilTheExpertsOrTheControllerChange() {
        PreparedRankings rankings = rankings(100_000);
        List<Expert> snapshot = experts(3, 0f);
        ExpertRanking first = rankings.of(content, snapshot);

        assertSame(first, rankings.of(content, snapshot));
        // A registry reload: new but equal Expert objects.
        assertSame(first, rankings.of(content, experts(3, 0f)));
        ExpertRanking shifted = rankings.of(content, experts(3, 0.5f));
        assertTrue(builds.isEmpty(), "below the index threshold the exact scan is laid out again at once");
        assertNotSame(first, shifted);
        assertInstanceOf(ExactScan.class, shifted);
        assertEquals(0.5, shifted.score(new float[] {1f, 0f, 0f}, "exp_0").score(), 1e-6);
        assertNotSame(shifted, rankings.of(new ContentBasedController(), experts(3, 0.5f)), "another controller");
    }

    @Test
    void aTurnDuringARebuildIsServedByThePreviousRankingAndTheNewExpertAfterIt() {
        PreparedRankings rankings = indexed();
        List<Expert> before = experts(10, 0f);
        assertEquals("exp_7", rankings.of(content, before).rank(X, 1).getFirst().expertId());
        List<Expert> after = new ArrayList<>(before);
        after.add(expert(10, new float[] {0f, 1f, 200f}));

        ExpertRanking duringRebuild = rankings.of(content, after);

        assertEquals(1, builds.size(), "the rebuild runs in the background");
        assertEquals(10, duringRebuild.size());
        assertEquals(List.of("exp_7", "exp_0"), ids(duringRebuild.rank(X, 2)), "the previous ranking");
        assertNull(duringRebuild.score(X, "exp_10"), "not routable before the rebuild");
        rankings.of(content, List.copyOf(after));
        assertEquals(1, builds.size(), "changes during a rebuild coalesce into it");

        runBuilds();
        ExpertRanking rebuilt = rankings.of(content, after);

        assertEquals(11, rebuilt.size());
        assertEquals(List.of("exp_10", "exp_7"), ids(rebuilt.rank(X, 2)));
        assertSame(rebuilt, rankings.of(content, after));
    }

    @Test
    void expertsThatLeftAreNeverRankedWhileTheRebuildRuns() {
        PreparedRankings rankings = indexed();
        List<Expert> before = experts(10, 0f);
        rankings.of(content, before);
        List<Expert> without7 = before.stream().filter(expert -> !expert.id().equals("exp_7")).toList();

        ExpertRanking duringRebuild = rankings.of(content, without7);

        assertEquals(1, builds.size());
        assertEquals(9, duringRebuild.size());
        assertEquals(List.of("exp_0", "exp_1", "exp_2"), ids(duringRebuild.rank(X, 3)));
        assertEquals(9, duringRebuild.rank(X, 100).size());
        assertNull(duringRebuild.score(X, "exp_7"));
        assertEquals(1.0, duringRebuild.score(X, "exp_0").score(), 1e-6, "θ (0, 1, 0) · (0, 1, 7)");
    }

    @Test
    void aSetSharingNoExpertWithThePreviousIsScannedExactlyAtOnce() {
        PreparedRankings rankings = indexed();
        rankings.of(content, experts(3, 0f));
        List<Expert> others = List.of(expert(20, new float[] {0f, 1f, 5f}), expert(21, new float[] {0f, 1f, 1f}));

        assertEquals(List.of("exp_20", "exp_21"), ids(rankings.of(content, others).rank(X, 5)));
    }

    @Test
    void aFailedBuildKeepsThePreviousRankingServing() {
        PreparedRankings rankings = indexed();
        List<Expert> before = experts(3, 0f);
        ExpertRanking first = rankings.of(content, before);
        List<Expert> mismatched = new ArrayList<>(before);
        mismatched.add(expert(3, new float[] {1f, 2f}));
        rankings.of(content, mismatched);

        runBuilds();

        assertEquals(3, rankings.of(content, mismatched).size(), "the previous ranking, narrowed");
        assertTrue(builds.isEmpty(), "a set that failed is not built again on every turn");
        assertSame(first, rankings.of(content, before));
    }

    @Test
    void rebuildsOnTheBackgroundThreadWithoutBlockingTurns() throws Exception {
        CountDownLatch buildMayRun = new CountDownLatch(1);
        ExecutorService background = Executors.newSingleThreadExecutor();
        try {
            PreparedRankings rankings = new PreparedRankings(new ScoringIndexConfig(1, 20, 16, 100, 1), task -> background.execute(() -> {
                try {
                    buildMayRun.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                task.run();
            }));
            List<Expert> before = experts(10, 0f);
            rankings.of(content, before);
            List<Expert> after = new ArrayList<>(before);
            after.add(expert(10, new float[] {0f, 1f, 200f}));

            assertEquals("exp_7", rankings.of(content, after).rank(X, 1).getFirst().expertId(), "served while the build waits");
            buildMayRun.countDown();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!rankings.of(content, after).rank(X, 1).getFirst().expertId().equals("exp_10") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals("exp_10", rankings.of(content, after).rank(X, 1).getFirst().expertId());
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void keepsOneRankingPerControllerVersion() {
        PreparedRankings rankings = rankings(100_000);
        List<Expert> snapshot = experts(3, 0f);
        Controller other = new Controller() {
            @Override
            public String version() {
                return "v2";
            }

            @Override
            public List<ScoredExpert> rank(float[] conversationEmbedding, List<ExpertProfile> experts, int topK) {
                return content.rank(conversationEmbedding, experts, topK);
            }

            @Override
            public ScoringMatrix layout(List<ExpertProfile> experts) {
                return content.layout(experts);
            }
        };
        ExpertRanking contentRanking = rankings.of(content, snapshot);
        ExpertRanking otherRanking = rankings.of(other, snapshot);

        // Experiment arms alternate between versions: neither rebuilds the other's ranking.
        assertSame(contentRanking, rankings.of(content, snapshot));
        assertSame(otherRanking, rankings.of(other, snapshot));
        assertTrue(builds.isEmpty());
    }

    @Test
    void fromTheIndexThresholdTheExactScanServesUntilTheIndexIsBuilt() {
        List<Expert> experts = experts(50, 0f);

        PreparedRankings belowThreshold = rankings(51);
        assertInstanceOf(ExactScan.class, belowThreshold.of(content, experts));
        assertTrue(builds.isEmpty());
        PreparedRankings atThreshold = rankings(50);
        assertInstanceOf(ExactScan.class, atThreshold.of(content, experts), "no turn waits for the index");
        runBuilds();
        ExpertRanking indexed = atThreshold.of(content, experts);
        assertInstanceOf(IndexedScan.class, indexed);
        assertEquals("exp_7", indexed.rank(X, 1).getFirst().expertId());
    }

    private static List<String> ids(List<ScoredExpert> ranking) {
        return ranking.stream().map(ScoredExpert::expertId).toList();
    }

    /** Experts exp_0… with θ = (shift, 1, i), so that x = (0, 1, 7) ranks exp_7 first by a clear margin. */
    private static List<Expert> experts(int count, float shift) {
        List<Expert> experts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            experts.add(expert(i, i == 7 ? new float[] {shift, 1f, 100f} : new float[] {shift, 1f, -i}));
        }
        return experts;
    }

    private static Expert expert(int i, float[] theta) {
        return new Expert("exp_" + i, "expert-" + i, "expert " + i, "owner", ExpertStatus.ACTIVE, theta,
                List.of(new ExpertNode("http://e" + i + ".example/v1", "e" + i)), Instant.EPOCH);
    }
}
