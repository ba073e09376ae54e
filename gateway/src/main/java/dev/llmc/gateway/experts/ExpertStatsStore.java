package dev.llmc.gateway.experts;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.llmc.gateway.api.ApiException;
import dev.llmc.registry.Expert;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads experts' feedback from the A/B event log (ab-testing's {@code exposures} and {@code signals} tables): per-expert
 * statistics for their owners, and how many messages of each expert got feedback (for cold-start exploration). Before
 * the event log exists, every count is zero.
 */
@Singleton
public final class ExpertStatsStore {
    private static final Logger LOG = LoggerFactory.getLogger(ExpertStatsStore.class);
    private static final String UNDEFINED_TABLE = "42P01";
    private static final Duration WINDOW = Duration.ofHours(24);
    private final DataSource dataSource;
    private final Clock clock = Clock.systemUTC();

    ExpertStatsStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Messages served, ratings and retries over one period; the means are null without data. */
    public record Period(long messagesServed, long ratings, @Nullable Double meanRating, long retries, @Nullable Double retryRate) {
    }

    /** An expert's statistics: the last 24 hours (by when messages were served) and all time. */
    public record ExpertStats(String expertId, String name, Instant since, @JsonProperty("last_24h") Period last24h, Period allTime) {
    }

    public ExpertStats stats(Expert expert) {
        Instant since = clock.instant().minus(WINDOW);
        OffsetDateTime from = OffsetDateTime.ofInstant(since, ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("""
                     select count(*) filter (where x.served_at >= ?) as served_day,
                            count(r.value) filter (where x.served_at >= ?) as ratings_day,
                            avg(r.value) filter (where x.served_at >= ?) as mean_day,
                            count(t.message_id) filter (where x.served_at >= ?) as retries_day,
                            count(*) as served, count(r.value) as ratings, avg(r.value) as mean, count(t.message_id) as retries
                     from exposures x
                     left join signals r on r.message_id = x.message_id and r.type = 'rating'
                     left join signals t on t.message_id = x.message_id and t.type = 'retry'
                     where x.expert_id = ?""")) {
            for (int i = 1; i <= 4; i++) {
                query.setObject(i, from);
            }
            query.setString(5, expert.id());
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return new ExpertStats(expert.id(), expert.name(), since,
                        period(row.getLong("served_day"), row.getLong("ratings_day"), row.getObject("mean_day", Double.class), row.getLong("retries_day")),
                        period(row.getLong("served"), row.getLong("ratings"), row.getObject("mean", Double.class), row.getLong("retries")));
            }
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                Period none = period(0, 0, null, 0);
                return new ExpertStats(expert.id(), expert.name(), since, none, none);
            }
            LOG.warn("could not read statistics of expert {}: {}", expert.id(), e.getMessage());
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "database_unavailable",
                    "statistics are unavailable right now; retry shortly");
        }
    }

    /** Per expert id, how many of its messages got any feedback signal (rating, retry, end). */
    public Map<String, Long> feedbackCounts() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("""
                     select x.expert_id, count(*) from exposures x
                     where exists (select 1 from signals s where s.message_id = x.message_id)
                     group by x.expert_id""");
             ResultSet rows = query.executeQuery()) {
            Map<String, Long> counts = new HashMap<>();
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
            return counts;
        } catch (SQLException e) {
            if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                return Map.of();
            }
            throw e;
        }
    }

    private static Period period(long served, long ratings, Double meanRating, long retries) {
        return new Period(served, ratings, meanRating, retries, served == 0 ? null : (double) retries / served);
    }
}
