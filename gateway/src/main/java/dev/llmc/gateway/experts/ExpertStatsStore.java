package dev.llmc.gateway.experts;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmc.abtest.stats.JdbcExpertFeedback;
import dev.llmc.registry.Expert;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Experts' feedback as the A/B event log records it (through ab-testing's {@link JdbcExpertFeedback}): per-expert
 * statistics for their owners, and how many messages of each expert got feedback (for cold-start exploration).
 */
@Singleton
public final class ExpertStatsStore {
    private static final Logger LOG = LoggerFactory.getLogger(ExpertStatsStore.class);
    private static final Duration WINDOW = Duration.ofHours(24);
    private final JdbcExpertFeedback feedback;
    private final Clock clock = Clock.systemUTC();

    ExpertStatsStore(DataSource dataSource) {
        this.feedback = new JdbcExpertFeedback(dataSource);
    }

    /** Messages served, ratings and retries over one period; the means are null without data. */
    public record Period(long messagesServed, long ratings, @Nullable Double meanRating, long retries, @Nullable Double retryRate) {
        static Period of(JdbcExpertFeedback.Totals totals) {
            return new Period(totals.messagesServed(), totals.ratings(), totals.meanRating(), totals.retries(),
                    totals.messagesServed() == 0 ? null : (double) totals.retries() / totals.messagesServed());
        }
    }

    /** An expert's statistics: the last 24 hours (by when messages were served) and all time. */
    public record ExpertStats(String expertId, String name, Instant since, @JsonProperty("last_24h") Period last24h, Period allTime) {
    }

    public ExpertStats stats(Expert expert) {
        Instant since = clock.instant().minus(WINDOW);
        try {
            JdbcExpertFeedback.Summary summary = feedback.summary(expert.id(), since);
            return new ExpertStats(expert.id(), expert.name(), since, Period.of(summary.recent()), Period.of(summary.allTime()));
        } catch (SQLException e) {
            LOG.warn("could not read statistics of expert {}: {}", expert.id(), e.getMessage());
            throw new StatsUnavailableException(e);
        }
    }

    /** Traffic, ratings and retry rate per bucket over the last day (hourly) or week (daily). */
    public record ExpertSeries(String expertId, String window, String bucket, Instant since, List<SeriesPoint> points) {
    }

    /** One bucket of {@link ExpertSeries}, named by its start. */
    public record SeriesPoint(Instant start, long messagesServed, long ratings, @Nullable Double meanRating, long retries,
                              @Nullable Double retryRate) {
    }

    /** {@code window} is "day" (hourly buckets) or "week" (daily buckets). */
    public ExpertSeries series(Expert expert, String window) {
        boolean week = window.equals("week");
        String bucket = week ? "day" : "hour";
        Instant now = clock.instant();
        // Whole buckets: the oldest one starts at a bucket boundary, so it is not a partial bucket.
        Instant since = week ? now.minus(Duration.ofDays(6)).truncatedTo(ChronoUnit.DAYS) : now.minus(Duration.ofHours(23)).truncatedTo(ChronoUnit.HOURS);
        try {
            return new ExpertSeries(expert.id(), window, bucket, since, feedback.series(expert.id(), since, bucket).stream()
                    .map(b -> {
                        Period p = Period.of(b.totals());
                        return new SeriesPoint(b.start(), p.messagesServed(), p.ratings(), p.meanRating(), p.retries(), p.retryRate());
                    })
                    .toList());
        } catch (SQLException e) {
            LOG.warn("could not read the statistics series of expert {}: {}", expert.id(), e.getMessage());
            throw new StatsUnavailableException(e);
        }
    }

    /** Per expert id, how many of its messages got any feedback signal (rating, retry, end). */
    public Map<String, Long> feedbackCounts() throws SQLException {
        return feedback.feedbackCounts();
    }
}
