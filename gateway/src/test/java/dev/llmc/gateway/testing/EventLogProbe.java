package dev.llmc.gateway.testing;

import dev.llmc.gateway.events.EventPipeline;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** Waits for the event log to reach PostgreSQL and reads what arrived, so tests assert on stored rows. */
public final class EventLogProbe {
    private final EventPipeline pipeline;
    private final DataSource dataSource;

    public EventLogProbe(EventPipeline pipeline, DataSource dataSource) {
        this.pipeline = pipeline;
        this.dataSource = dataSource;
    }

    /** Blocks until nothing is queued, buffered in Redis or spooled (fails the test after {@code timeout}). */
    public void awaitDrained(Duration timeout) {
        await("event log drained").atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(pipeline::drained);
    }

    public long count(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    public String string(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
