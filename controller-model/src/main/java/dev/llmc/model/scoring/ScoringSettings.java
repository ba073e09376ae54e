package dev.llmc.model.scoring;

/**
 * How a prepared ranking scores: an exact scan of every expert below {@code indexThreshold} experts, else HNSW
 * candidates re-ranked exactly.
 *
 * @param indexThreshold the number of experts from which the approximate index is used
 * @param candidates     how many candidates the index fetches per turn (at least topK are always fetched)
 * @param maxConnections HNSW's M: graph edges per node
 * @param beamWidth      HNSW's beam width while building
 * @param buildThreads   threads that build the graph together
 */
public record ScoringSettings(int indexThreshold, int candidates, int maxConnections, int beamWidth, int buildThreads) {

    public static final ScoringSettings DEFAULT = new ScoringSettings(100_000, 200, 16, 100, 1);

    public ScoringSettings {
        if (indexThreshold < 1 || candidates < 1 || maxConnections < 2 || beamWidth < 1 || buildThreads < 1) {
            throw new IllegalArgumentException("index-threshold, candidates and build-threads must be ≥ 1, max-connections ≥ 2, beam-width ≥ 1");
        }
    }

    /** The exact scan at every size. */
    public static ScoringSettings exact() {
        return new ScoringSettings(Integer.MAX_VALUE, DEFAULT.candidates, DEFAULT.maxConnections, DEFAULT.beamWidth, 1);
    }
}
