package dev.llmc.abtest.event;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Streams logged exposures joined with their signals through a server-side cursor, so that a million rows never
 * sit in memory at once. Conversation length = number of distinct later turns in the same conversation (of the same
 * owner: conversation ids are the clients'), counted over the whole log (not only the time window), so a regenerated
 * reply (same turn) does not count as a turn.
 */
public final class LoggedExposureReader {
    /**
     * The encoder of rows logged before exposures recorded theirs (migration V6): all-MiniLM-L6-v2 was the gateway's
     * only encoder until static-minilm-v1 came, in the same release that records the encoder.
     */
    public static final String UNRECORDED_ENCODER = "all-minilm-l6-v2";
    private static final int FETCH_SIZE = 1000;
    private static final String SQL = """
            select e.message_id, e.user_id, e.conversation_id, e.experiment_id, e.arm, e.controller_version, e.expert_id,
                   e.score, e.propensity, e.embedding, e.served_at, r.value,
                   exists (select 1 from signals t where t.message_id = e.message_id and t.type = 'retry') as retried,
                   (select count(distinct l.turn) from exposures l
                     where l.owner = e.owner and l.conversation_id = e.conversation_id and l.turn > e.turn)
                     as conversation_length,
                   e.policy, case when e.embedding is null then null else coalesce(e.encoder, ?) end
            from exposures e
            left join signals r on r.message_id = e.message_id and r.type = 'rating'
            where e.served_at >= ? and e.served_at < ?
            order by e.served_at, e.message_id
            """;

    /** Calls {@code sink} for every exposure served in [from, to), oldest first. */
    public void forEach(DataSource dataSource, Instant from, Instant to, Consumer<LoggedExposure> sink) {
        try (Connection connection = dataSource.getConnection()) {
            // The PostgreSQL driver only uses a cursor (honours the fetch size) inside a transaction.
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(SQL)) {
                statement.setFetchSize(FETCH_SIZE);
                statement.setString(1, UNRECORDED_ENCODER);
                statement.setTimestamp(2, Timestamp.from(from));
                statement.setTimestamp(3, Timestamp.from(to));
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        byte[] embedding = row.getBytes(10);
                        float rating = row.getFloat(12);
                        Float ratingOrNull = row.wasNull() ? null : rating;
                        sink.accept(new LoggedExposure(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                                row.getString(5), row.getString(6), row.getString(7), row.getDouble(8), row.getDouble(9),
                                embedding == null ? null : EventCodec.fromBytes(embedding), row.getTimestamp(11).getTime(),
                                ratingOrNull, row.getBoolean(13), row.getInt(14), row.getString(15), row.getString(16)));
                    }
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new EventLogUnavailableException("could not read logged exposures: " + e.getMessage(), e);
        }
    }
}
