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

    /** A stored message: its owner (who may give feedback on it), conversation and turn. */
    public record StoredMessage(String messageId, String owner, String conversationId, int turn) {
    }

    private static final String COLUMNS = "select message_id, owner, conversation_id, turn from exposures ";

    public Optional<StoredMessage> message(String messageId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     COLUMNS + "where message_id = ?")) {
            statement.setString(1, messageId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(stored(row)) : Optional.empty();
            }
        }
    }

    /** The latest served message of an owner's conversation (the one a regenerate replaces). */
    public Optional<StoredMessage> lastMessage(String owner, String conversationId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     COLUMNS + "where owner = ? and conversation_id = ? order by turn desc, served_at desc limit 1")) {
            statement.setString(1, owner);
            statement.setString(2, conversationId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(stored(row)) : Optional.empty();
            }
        }
    }

    private static StoredMessage stored(ResultSet row) throws SQLException {
        return new StoredMessage(row.getString(1), row.getString(2), row.getString(3), row.getInt(4));
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
