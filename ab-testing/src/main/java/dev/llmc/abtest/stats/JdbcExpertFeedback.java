package dev.llmc.abtest.stats;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the event log says about one expert's messages, aggregated in PostgreSQL: messages served, ratings and
 * retries (for its owner's statistics), and how many messages of each expert got any feedback (for cold start).
 */
public final class JdbcExpertFeedback {
    private static final String TOTALS = """
            select count(*) filter (where x.served_at >= ?), count(r.value) filter (where x.served_at >= ?),
                   avg(r.value) filter (where x.served_at >= ?), count(t.message_id) filter (where x.served_at >= ?),
                   count(*), count(r.value), avg(r.value), count(t.message_id)
            from exposures x
            left join signals r on r.message_id = x.message_id and r.type = 'rating'
            left join signals t on t.message_id = x.message_id and t.type = 'retry'
            where x.expert_id = ?""";
    private static final String FEEDBACK_COUNTS = """
            select x.expert_id, count(*) from exposures x
            where exists (select 1 from signals s where s.message_id = x.message_id)
            group by x.expert_id""";
    /** Per bucket of serving time ({@code date_trunc} field "hour" or "day", UTC) since a time. */
    private static final String SERIES = """
            select date_trunc(?, x.served_at at time zone 'UTC'), count(*), count(r.value), avg(r.value), count(t.message_id)
            from exposures x
            left join signals r on r.message_id = x.message_id and r.type = 'rating'
            left join signals t on t.message_id = x.message_id and t.type = 'retry'
            where x.expert_id = ? and x.served_at >= ?
            group by 1 order by 1""";
    private final DataSource dataSource;

    public JdbcExpertFeedback(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Messages served, ratings (with their mean, null without any) and retries over one period. */
    public record Totals(long messagesServed, long ratings, Double meanRating, long retries) {
    }

    /** An expert's totals since {@code since} (by when messages were served) and over all time. */
    public record Summary(Totals recent, Totals allTime) {
    }

    public Summary summary(String expertId, Instant since) throws SQLException {
        OffsetDateTime from = OffsetDateTime.ofInstant(since, ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(TOTALS)) {
            for (int i = 1; i <= 4; i++) {
                query.setObject(i, from);
            }
            query.setString(5, expertId);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return new Summary(new Totals(row.getLong(1), row.getLong(2), row.getObject(3, Double.class), row.getLong(4)),
                        new Totals(row.getLong(5), row.getLong(6), row.getObject(7, Double.class), row.getLong(8)));
            }
        }
    }

    /** One bucket's totals, from its start. */
    public record Bucket(Instant start, Totals totals) {
    }

    /** An expert's totals per hour or day ({@code bucket}) since {@code since}; buckets without messages are left out. */
    public List<Bucket> series(String expertId, Instant since, String bucket) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(SERIES)) {
            query.setString(1, bucket);
            query.setString(2, expertId);
            query.setObject(3, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
            List<Bucket> buckets = new ArrayList<>();
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    buckets.add(new Bucket(row.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC),
                            new Totals(row.getLong(2), row.getLong(3), row.getObject(4, Double.class), row.getLong(5))));
                }
            }
            return buckets;
        }
    }

    /** Per expert id, how many of its messages got any feedback signal (rating, retry, end). */
    public Map<String, Long> feedbackCounts() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(FEEDBACK_COUNTS);
             ResultSet rows = query.executeQuery()) {
            Map<String, Long> counts = new HashMap<>();
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
            return counts;
        }
    }
}
