package dev.llmc.model.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpertScorerTest {

    private static final float[] X = {0.5f, -1f, 2f};

    @Test
    void scoresThetaDotXPlusBias() {
        List<ScoredExpert> ranking = ExpertScorer.rank(X, List.of(new ExpertVector("chef", new float[] {2f, 1f, 0.25f}, 0.75f)), 1);

        // 0.5·2 + (−1)·1 + 2·0.25 + 0.75
        assertEquals(List.of(new ScoredExpert("chef", 1.25)), ranking);
    }

    @Test
    void ranksByDescendingScore() {
        List<ScoredExpert> ranking = ExpertScorer.rank(X, List.of(
                new ExpertVector("low", new float[] {0f, 1f, 0f}, 0f),
                new ExpertVector("high", new float[] {0f, 0f, 1f}, 0f),
                new ExpertVector("mid", new float[] {1f, 0f, 0f}, 0f)), 3);

        assertEquals(List.of(new ScoredExpert("high", 2), new ScoredExpert("mid", 0.5), new ScoredExpert("low", -1)), ranking);
    }

    @Test
    void breaksTiesByExpertId() {
        List<ScoredExpert> ranking = ExpertScorer.rank(X, List.of(
                new ExpertVector("b", new float[] {0f, 0f, 0f}, 1f),
                new ExpertVector("c", new float[] {0f, 0f, 0f}, 1f),
                new ExpertVector("a", new float[] {0f, 0f, 0f}, 1f)), 2);

        assertEquals(List.of(new ScoredExpert("a", 1), new ScoredExpert("b", 1)), ranking);
    }

    @Test
    void keepsAtMostTopKBestExperts() {
        List<ExpertVector> experts = List.of(
                new ExpertVector("e1", new float[] {0f, 0f, 0f}, 1f),
                new ExpertVector("e4", new float[] {0f, 0f, 0f}, 4f),
                new ExpertVector("e2", new float[] {0f, 0f, 0f}, 2f),
                new ExpertVector("e3", new float[] {0f, 0f, 0f}, 3f));

        assertEquals(List.of("e4", "e3"), ExpertScorer.rank(X, experts, 2).stream().map(ScoredExpert::expertId).toList());
        assertEquals(4, ExpertScorer.rank(X, experts, 10).size());
    }

    @Test
    void returnsNothingForNoExperts() {
        assertEquals(List.of(), ExpertScorer.rank(X, List.of(), 3));
    }

    @Test
    void rejectsTopKBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> ExpertScorer.rank(X, List.of(), 0));
    }

    @Test
    void rejectsThetaOfAnotherDimensionNamingTheExpert() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExpertScorer.rank(X, List.of(new ExpertVector("short-theta", new float[] {1f, 2f}, 0f)), 1));

        assertTrue(e.getMessage().contains("short-theta"), e.getMessage());
    }
}
