package dev.llmc.model.scoring;

import java.util.List;

/**
 * Scores every candidate expert for one conversation: the controller's gating function. Implementations are
 * immutable and thread-safe, so the gateway can swap them atomically while requests are in flight.
 */
public interface Controller {

    /** The version id: {@code content} for the content-based controller, else the trained artifact's id. */
    String version();

    /**
     * Ranks experts for a conversation embedding e(C), best first, at most topK. Experts the controller has not
     * learned (new ones) are scored from their content θ (cold start), never dropped.
     */
    List<ScoredExpert> rank(float[] conversationEmbedding, List<ExpertProfile> experts, int topK);

    /**
     * Lays the experts out for this controller once (every per-expert precomputation done), so that scoring a turn is
     * only dot products; the same scores as {@link #rank} up to float rounding.
     */
    ScoringMatrix layout(List<ExpertProfile> experts);

    /** A ranking of a fixed set of experts to reuse across turns: exact, or indexed from the settings' threshold. */
    default ExpertRanking prepare(List<ExpertProfile> experts, ScoringSettings settings) {
        return ExpertRanking.of(layout(experts), settings);
    }
}
