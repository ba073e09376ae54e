package dev.llmc.abtest.event;

import dev.llmc.abtest.signal.Signal;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes event batches to PostgreSQL in one transaction with multi-row inserts. Inserts are idempotent
 * ({@code on conflict do nothing} on the message id, and on (message id, type) for signals), so a batch that is
 * written twice (replayed from a buffer after an outage) still arrives exactly once.
 */
public final class JdbcEventWriter {
    // 15 parameters per exposure row; PostgreSQL allows 32767 parameters per statement.
    private static final int ROWS_PER_STATEMENT = 1000;
    private static final String EXPOSURE_COLUMNS = "insert into exposures (message_id, user_id, conversation_id, turn, "
            + "experiment_id, arm, controller_version, expert_id, expert_name, score, propensity, embedding, latency_ms, "
            + "served_at, regenerates) values ";
    private static final String EXPOSURE_ROW = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    private static final String SIGNAL_COLUMNS = "insert into signals (message_id, type, value, received_at) values ";
    private static final String SIGNAL_ROW = "(?,?,?,?)";
    private final DataSource dataSource;

    public JdbcEventWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Rows actually inserted (repeats of already-stored events are skipped). */
    public record Written(int exposures, int signals) {
    }

    public Written write(List<? extends Event> events) throws SQLException {
        List<Exposure> exposures = new ArrayList<>();
        List<Signal> signals = new ArrayList<>();
        for (Event event : events) {
            switch (event) {
                case Exposure e -> exposures.add(e);
                case Signal s -> signals.add(s);
                default -> throw new IllegalArgumentException("unknown event " + event.getClass());
            }
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                // The caller drops its buffered copy once this commits, so the commit must survive a server crash even
                // where synchronous_commit is off (as in the embedded development database).
                try (Statement durable = connection.createStatement()) {
                    durable.execute("set local synchronous_commit = on");
                }
                int writtenExposures = 0;
                for (int from = 0; from < exposures.size(); from += ROWS_PER_STATEMENT) {
                    writtenExposures += insertExposures(connection, exposures.subList(from, Math.min(exposures.size(), from + ROWS_PER_STATEMENT)));
                }
                int writtenSignals = 0;
                for (int from = 0; from < signals.size(); from += ROWS_PER_STATEMENT) {
                    writtenSignals += insertSignals(connection, signals.subList(from, Math.min(signals.size(), from + ROWS_PER_STATEMENT)));
                }
                connection.commit();
                return new Written(writtenExposures, writtenSignals);
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    private static int insertExposures(Connection connection, List<Exposure> rows) throws SQLException {
        String sql = EXPOSURE_COLUMNS + String.join(",", java.util.Collections.nCopies(rows.size(), EXPOSURE_ROW))
                + " on conflict (message_id) do nothing";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int p = 1;
            for (Exposure e : rows) {
                statement.setString(p++, e.messageId());
                statement.setString(p++, e.userId());
                statement.setString(p++, e.conversationId());
                statement.setInt(p++, e.turn());
                statement.setString(p++, e.experimentId());
                statement.setString(p++, e.arm());
                statement.setString(p++, e.controllerVersion());
                statement.setString(p++, e.expertId());
                statement.setString(p++, e.expertName());
                statement.setDouble(p++, e.score());
                statement.setDouble(p++, e.propensity());
                if (e.embedding() == null) {
                    statement.setNull(p++, Types.BINARY);
                } else {
                    statement.setBytes(p++, EventCodec.toBytes(e.embedding()));
                }
                statement.setInt(p++, e.latencyMillis());
                statement.setTimestamp(p++, Timestamp.from(e.servedAt()));
                statement.setString(p++, e.regenerates());
            }
            return statement.executeUpdate();
        }
    }

    private static int insertSignals(Connection connection, List<Signal> rows) throws SQLException {
        String sql = SIGNAL_COLUMNS + String.join(",", java.util.Collections.nCopies(rows.size(), SIGNAL_ROW))
                + " on conflict (message_id, type) do nothing";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int p = 1;
            for (Signal s : rows) {
                statement.setString(p++, s.messageId());
                statement.setString(p++, s.type().wireName());
                if (s.value() == null) {
                    statement.setNull(p++, Types.REAL);
                } else {
                    statement.setFloat(p++, s.value());
                }
                statement.setTimestamp(p++, Timestamp.from(s.receivedAt()));
            }
            return statement.executeUpdate();
        }
    }
}
