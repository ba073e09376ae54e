package dev.llmc.model.scoring;

import java.util.ArrayList;
import java.util.List;

/** Scores every expert: one SIMD dot product per expert and head (Lucene's VectorUtil), a top-k heap of rows. */
public final class ExactScan implements ExpertRanking {
    private final ScoringMatrix matrix;

    public ExactScan(ScoringMatrix matrix) {
        this.matrix = matrix;
    }

    @Override
    public int size() {
        return matrix.size();
    }

    @Override
    public List<ScoredExpert> rank(float[] conversationEmbedding, int topK) {
        float[] x = matrix.project(conversationEmbedding);
        TopRows best = new TopRows(matrix, topK);
        double[] scratch = new double[matrix.heads()];
        for (int row = 0, n = matrix.size(); row < n; row++) {
            best.offer(row, matrix.score(row, x, scratch));
        }
        return best.ranking();
    }

    @Override
    public ScoredExpert score(float[] conversationEmbedding, String expertId) {
        int row = matrix.row(expertId);
        return row < 0 ? null
                : new ScoredExpert(expertId, matrix.score(row, matrix.project(conversationEmbedding), new double[matrix.heads()]));
    }

    @Override
    public List<ScoredExpert> priorRewards(float[] conversationEmbedding) {
        float[] x = matrix.project(conversationEmbedding);
        double[] scratch = new double[matrix.heads()];
        List<ScoredExpert> rewards = new ArrayList<>(matrix.size());
        for (int row = 0, n = matrix.size(); row < n; row++) {
            rewards.add(new ScoredExpert(matrix.expertId(row), matrix.priorReward(row, x, scratch)));
        }
        return rewards;
    }

    /**
     * The best topK rows seen so far as a binary min-heap of primitives (no object per expert scanned): the worst kept
     * row on top; equal scores order by expertId so rankings are reproducible.
     */
    static final class TopRows {
        private final ScoringMatrix matrix;
        private final int[] rows;
        private final double[] scores;
        private int size;

        TopRows(ScoringMatrix matrix, int topK) {
            if (topK < 1) {
                throw new IllegalArgumentException("topK must be at least 1, was " + topK);
            }
            this.matrix = matrix;
            int capacity = Math.min(topK, Math.max(matrix.size(), 1));
            this.rows = new int[capacity];
            this.scores = new double[capacity];
        }

        void offer(int row, double score) {
            if (size < rows.length) {
                rows[size] = row;
                scores[size] = score;
                siftUp(size++);
            } else if (worse(0, row, score)) {
                rows[0] = row;
                scores[0] = score;
                siftDown(0);
            }
        }

        List<ScoredExpert> ranking() {
            List<ScoredExpert> ranking = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                ranking.add(new ScoredExpert(matrix.expertId(rows[i]), scores[i]));
            }
            ranking.sort(ExpertScorer.RANKING);
            return ranking;
        }

        /** Whether the kept entry at heap position i ranks below (row, score). */
        private boolean worse(int i, int row, double score) {
            if (scores[i] != score) {
                return scores[i] < score;
            }
            return matrix.expertId(rows[i]).compareTo(matrix.expertId(row)) > 0;
        }

        private void siftUp(int i) {
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!worse(i, rows[parent], scores[parent])) {
                    return;
                }
                swap(i, parent);
                i = parent;
            }
        }

        private void siftDown(int i) {
            while (true) {
                int left = 2 * i + 1;
                if (left >= size) {
                    return;
                }
                int worst = left;
                int right = left + 1;
                if (right < size && worse(right, rows[left], scores[left])) {
                    worst = right;
                }
                if (!worse(worst, rows[i], scores[i])) {
                    return;
                }
                swap(i, worst);
                i = worst;
            }
        }

        private void swap(int a, int b) {
            int row = rows[a];
            rows[a] = rows[b];
            rows[b] = row;
            double score = scores[a];
            scores[a] = scores[b];
            scores[b] = score;
        }
    }
}
