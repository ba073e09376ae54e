package dev.llmc.model.scoring;

import java.util.List;

/**
 * One controller's scoring of one fixed set of experts, prepared once (the routing snapshot changes far less often
 * than turns arrive) and then used by every turn. Immutable and thread-safe.
 */
public interface ExpertRanking {

    /** The number of experts it ranks. */
    int size();

    /** The topK best experts for e(C) by the controller's serving score, best first, ties in expertId order. */
    List<ScoredExpert> rank(float[] conversationEmbedding, int topK);

    /** The serving score of one expert for e(C), or null when the expert is not in this set. */
    ScoredExpert score(float[] conversationEmbedding, String expertId);

    /**
     * Every expert of this set with the controller's predicted reward for e(C) ({@link ScoringMatrix#priorReward}: the
     * normalised rating (v − 1)/4 on its own scale, linear Thompson sampling's prior mean), in no particular order.
     */
    List<ScoredExpert> priorRewards(float[] conversationEmbedding);

    /**
     * The exact scan below {@code settings.indexThreshold()} experts, else the approximate maximum-inner-product index
     * whose candidates are re-ranked exactly.
     */
    static ExpertRanking of(ScoringMatrix matrix, ScoringSettings settings) {
        return matrix.size() >= settings.indexThreshold()
                ? new IndexedScan(matrix, settings)
                : new ExactScan(matrix);
    }
}
