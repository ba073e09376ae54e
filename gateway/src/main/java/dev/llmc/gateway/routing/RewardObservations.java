package dev.llmc.gateway.routing;

import dev.llmc.abtest.event.EventCodec;
import dev.llmc.abtest.event.LoggedExposureReader;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The rewards linear Thompson sampling learns from, in PostgreSQL ({@code exploration_observations}): every rating or
 * retry on a message the controller routed (one with e(C) logged), whichever policy chose it, becomes one observation
 * of the serving expert's reward at e(C): a rating v (1–5) is (v − 1)/4, a retry 0. {@code end} signals are not
 * rewards (a conversation ending says little about its last reply).
 *
 * <p>One replica at a time appends (a transaction-scoped advisory lock), so ids grow in commit order and a reader that
 * continues after the last id it saw misses nothing. Signals are taken from 10 minutes before the newest one already
 * turned into an observation; a signal that reaches PostgreSQL later than that (replayed after a long outage) is not
 * learned from. Observations keep the encoder of their e(C), and a reader sees only its own encoder's.
 */
final class RewardObservations {
    private static final long LOCK = 0x6c6c6d63_6c747300L; // "llmclts\0": this table's writer lock
    private static final String APPEND = """
            insert into exploration_observations (message_id, signal_type, expert_id, embedding, reward, signal_received_at,
                                                  encoder)
            select s.message_id, s.type, e.expert_id, e.embedding,
                   case s.type when 'rating' then (s.value - 1) / 4.0 else 0 end, s.received_at, e.encoder
            from signals s join exposures e on e.message_id = s.message_id
            where s.type in ('rating', 'retry') and e.embedding is not null
              and s.received_at > coalesce((select max(signal_received_at) from exploration_observations),
                                           timestamptz '-infinity') - interval '10 minutes'
            order by s.received_at, s.message_id, s.type
            on conflict (message_id, signal_type) do nothing
            """;
    private static final String READ = """
            select id, expert_id, embedding, reward from exploration_observations
            where id > ? and coalesce(encoder, ?) = ? order by id limit ?
            """;
    private final DataSource dataSource;
    private final String encoderId;

    /** encoderId: the encoder of the e(C) this reader's posteriors are over. */
    RewardObservations(DataSource dataSource, String encoderId) {
        this.dataSource = dataSource;
        this.encoderId = encoderId;
    }

    /** One observed reward of an expert at e(C). */
    record Observation(long id, String expertId, float[] embedding, double reward) {
    }

    /** Turns signals not yet observed into observations; 0 when another replica holds the lock this time. */
    int append() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                int appended = 0;
                try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
                    lock.setLong(1, LOCK);
                    try (ResultSet row = lock.executeQuery()) {
                        row.next();
                        if (row.getBoolean(1)) {
                            try (PreparedStatement insert = connection.prepareStatement(APPEND)) {
                                appended = insert.executeUpdate();
                            }
                        }
                    }
                }
                connection.commit();
                return appended;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Observations of this reader's encoder after {@code afterId}, oldest first, at most {@code limit}. */
    List<Observation> after(long afterId, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement read = connection.prepareStatement(READ)) {
            read.setLong(1, afterId);
            read.setString(2, LoggedExposureReader.UNRECORDED_ENCODER);
            read.setString(3, encoderId);
            read.setInt(4, limit);
            List<Observation> observations = new ArrayList<>();
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    observations.add(new Observation(rows.getLong(1), rows.getString(2), EventCodec.fromBytes(rows.getBytes(3)), rows.getDouble(4)));
                }
            }
            return observations;
        }
    }
}
