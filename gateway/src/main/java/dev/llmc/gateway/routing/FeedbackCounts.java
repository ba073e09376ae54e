package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.ColdStartConfig;
import dev.llmc.gateway.experts.ExpertStatsStore;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Map;

/** How much feedback each expert has, reloaded off the request path so the router can tell new experts without a query. */
@Singleton
public final class FeedbackCounts {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackCounts.class);
    private final ExpertStatsStore store;
    private final int minFeedback;
    private volatile Counts counts;

    /** One load of the counts; replaced only when they changed, so the router can keep what it derived from them. */
    record Counts(Map<String, Long> byExpert, int minFeedback) {
        /** Whether the expert has fewer than {@code llmc.routing.cold-start.min-feedback} messages with feedback. */
        boolean isNew(String expertId) {
            return byExpert.getOrDefault(expertId, 0L) < minFeedback;
        }
    }

    FeedbackCounts(ExpertStatsStore store, ColdStartConfig config) {
        this.store = store;
        this.minFeedback = config.minFeedback();
        this.counts = new Counts(Map.of(), minFeedback);
    }

    /** Whether the expert has fewer than {@code llmc.routing.cold-start.min-feedback} messages with feedback. */
    public boolean isNew(String expertId) {
        return counts.isNew(expertId);
    }

    /** The counts as last loaded. */
    Counts current() {
        return counts;
    }

    @Scheduled(fixedDelay = "${llmc.routing.cold-start.refresh:30s}", initialDelay = "0s")
    void reload() {
        try {
            update(store.feedbackCounts());
        } catch (SQLException e) {
            LOG.warn("feedback counts not reloaded, keeping the previous ones: {}", e.getMessage());
        }
    }

    /** Messages with feedback by expert id, as loaded; the counts are replaced only when they differ. */
    void update(Map<String, Long> loaded) {
        Map<String, Long> copy = Map.copyOf(loaded);
        if (!copy.equals(counts.byExpert())) {
            counts = new Counts(copy, minFeedback);
        }
    }
}
