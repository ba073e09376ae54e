package dev.llmc.gateway.config;

import dev.llmc.model.scoring.ScoringSettings;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Scoring many experts ({@code llmc.routing.index.*}): from {@code threshold} routable experts on, an approximate
 * maximum-inner-product index (Lucene HNSW) fetches {@code candidates} experts per turn, re-ranked exactly by the
 * controller's serving score; below it every expert is scored (see docs/benchmarks.md for recall and timings). The
 * graph is built on a background thread ({@code build-threads} threads) while the previous ranking serves.
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.routing.index")
public record ScoringIndexConfig(
        @Bindable(defaultValue = "100000") int threshold,
        @Bindable(defaultValue = "200") int candidates,
        @Bindable(defaultValue = "16") int maxConnections,
        @Bindable(defaultValue = "100") int beamWidth,
        @Bindable(defaultValue = "1") int buildThreads) {

    public ScoringIndexConfig {
        try {
            new ScoringSettings(threshold, candidates, maxConnections, beamWidth, buildThreads);
        } catch (IllegalArgumentException e) {
            throw new StartupRefusedException("llmc.routing.index: " + e.getMessage());
        }
    }

    public ScoringSettings settings() {
        return new ScoringSettings(threshold, candidates, maxConnections, beamWidth, buildThreads);
    }
}
