package dev.llmc.abtest.event;

import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Point reads of the stored event log that the feedback API needs: does a message exist, what was signalled. */
public final class JdbcEventLookup {
    private final DataSource dataSource;

    public JdbcEventLookup(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A stored message: enough to validate feedback and to find a conversation's last reply. */
    public record StoredMessage(String messageId, String conversationId, int turn) {
    }

    public Optional<StoredMessage> message(String messageId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select message_id, conversation_id, turn from exposures where message_id = ?")) {
            statement.setString(1, messageId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(new StoredMessage(row.getString(1), row.getString(2), row.getInt(3))) : Optional.empty();
            }
        }
    }

    /** The latest served message of a conversation (the one a regenerate replaces). */
    public Optional<StoredMessage> lastMessage(String conversationId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select message_id, conversation_id, turn from exposures where conversation_id = ? "
                             + "order by turn desc, served_at desc limit 1")) {
            statement.setString(1, conversationId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(new StoredMessage(row.getString(1), row.getString(2), row.getInt(3))) : Optional.empty();
            }
        }
    }

    public Optional<Signal> signal(String messageId, SignalType type) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select value, received_at from signals where message_id = ? and type = ?")) {
            statement.setString(1, messageId);
            statement.setString(2, type.wireName());
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                float value = row.getFloat(1);
                return Optional.of(new Signal(messageId, type, row.wasNull() ? null : value, row.getTimestamp(2).toInstant()));
            }
        }
    }
}
