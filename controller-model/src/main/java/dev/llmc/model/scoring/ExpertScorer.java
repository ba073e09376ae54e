package dev.llmc.model.scoring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Content-based scoring until a trained controller exists: score(m|C) = θ_m · x_C + b_m, best first. */
public final class ExpertScorer {

    /** Best first; equal scores in expertId order so that rankings are reproducible. */
    public static final Comparator<ScoredExpert> RANKING = Comparator.comparingDouble(ScoredExpert::score).reversed()
            .thenComparing(ScoredExpert::expertId);

    private ExpertScorer() {
    }

    /**
     * Scores every expert against x and returns the topK best by descending score, ties by expertId.
     *
     * @throws IllegalArgumentException if topK &lt; 1 or an expert's θ does not have x's dimension
     */
    public static List<ScoredExpert> rank(float[] x, Collection<ExpertVector> experts, int topK) {
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be at least 1, was " + topK);
        }
        // A heap holding the current topK with the worst on top: O(n log k) instead of sorting every expert.
        PriorityQueue<ScoredExpert> best = new PriorityQueue<>(Math.min(topK, experts.size()) + 1, RANKING.reversed());
        for (ExpertVector expert : experts) {
            best.add(new ScoredExpert(expert.expertId(), score(x, expert)));
            if (best.size() > topK) {
                best.poll();
            }
        }
        List<ScoredExpert> ranking = new ArrayList<>(best);
        ranking.sort(RANKING);
        return ranking;
    }

    /** score(m|C) = θ_m · x_C + b_m, accumulated in double. */
    private static double score(float[] x, ExpertVector expert) {
        float[] theta = expert.theta();
        if (theta.length != x.length) {
            throw new IllegalArgumentException("Expert " + expert.expertId() + " has a θ of dimension " + theta.length
                    + " but x_C has dimension " + x.length);
        }
        double dot = 0;
        for (int i = 0; i < x.length; i++) {
            dot += (double) theta[i] * x[i];
        }
        return dot + expert.bias();
    }
}
