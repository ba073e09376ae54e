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
    private volatile Map<String, Long> counts = Map.of();

    FeedbackCounts(ExpertStatsStore store, ColdStartConfig config) {
        this.store = store;
        this.minFeedback = config.minFeedback();
    }

    /** Whether the expert has fewer than {@code llmc.routing.cold-start.min-feedback} messages with feedback. */
    public boolean isNew(String expertId) {
        return counts.getOrDefault(expertId, 0L) < minFeedback;
    }

    @Scheduled(fixedDelay = "${llmc.routing.cold-start.refresh:30s}", initialDelay = "0s")
    void reload() {
        try {
            counts = Map.copyOf(store.feedbackCounts());
        } catch (SQLException e) {
            LOG.warn("feedback counts not reloaded, keeping the previous ones: {}", e.getMessage());
        }
    }
}
