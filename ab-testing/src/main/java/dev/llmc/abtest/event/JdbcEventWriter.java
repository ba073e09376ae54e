package dev.llmc.abtest.event;

import dev.llmc.abtest.signal.Signal;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes event batches to PostgreSQL in one transaction. Inserts are idempotent ({@code on conflict do nothing} on the
 * message id, and on (message id, type) for signals), so a batch that is written twice (replayed from a buffer after an
 * outage) still arrives exactly once.
 *
 * <p>Each table gets one statement per batch whatever its size: every column travels as one array parameter and
 * {@code unnest} turns the arrays back into rows. The statement text never changes, so the driver prepares it once
 * per connection and the server plans it once; a multi-row {@code VALUES} list with 15 parameters per row had a new
 * text for every batch size and cost the server about twice the CPU per event ({@code EventLogIT}, README).
 */
public final class JdbcEventWriter {
    private static final String INSERT_EXPOSURES = """
            insert into exposures (message_id, user_id, conversation_id, turn, experiment_id, arm, controller_version,
                                   expert_id, expert_name, score, propensity, embedding, latency_ms, served_at, regenerates)
            select message_id, user_id, conversation_id, turn, experiment_id, arm, controller_version, expert_id,
                   expert_name, score, propensity, embedding, latency_ms,
                   timestamptz 'epoch' + served_at_us * interval '1 microsecond', regenerates
            from unnest(?::text[], ?::text[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                        ?::float8[], ?::float8[], ?::bytea[], ?::int4[], ?::int8[], ?::text[])
                 as e(message_id, user_id, conversation_id, turn, experiment_id, arm, controller_version, expert_id,
                      expert_name, score, propensity, embedding, latency_ms, served_at_us, regenerates)
            on conflict (message_id) do nothing
            """;
    private static final String INSERT_SIGNALS = """
            insert into signals (message_id, type, value, received_at)
            select message_id, type, value, timestamptz 'epoch' + received_at_us * interval '1 microsecond'
            from unnest(?::text[], ?::text[], ?::float4[], ?::int8[]) as s(message_id, type, value, received_at_us)
            on conflict (message_id, type) do nothing
            """;
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
                int writtenExposures = exposures.isEmpty() ? 0 : insertExposures(connection, exposures);
                int writtenSignals = signals.isEmpty() ? 0 : insertSignals(connection, signals);
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
        int n = rows.size();
        String[] messageIds = new String[n];
        String[] userIds = new String[n];
        String[] conversationIds = new String[n];
        Integer[] turns = new Integer[n];
        String[] experimentIds = new String[n];
        String[] arms = new String[n];
        String[] controllerVersions = new String[n];
        String[] expertIds = new String[n];
        String[] expertNames = new String[n];
        Double[] scores = new Double[n];
        Double[] propensities = new Double[n];
        byte[][] embeddings = new byte[n][];
        Integer[] latencies = new Integer[n];
        Long[] servedAt = new Long[n];
        String[] regenerates = new String[n];
        for (int i = 0; i < n; i++) {
            Exposure e = rows.get(i);
            messageIds[i] = e.messageId();
            userIds[i] = e.userId();
            conversationIds[i] = e.conversationId();
            turns[i] = e.turn();
            experimentIds[i] = e.experimentId();
            arms[i] = e.arm();
            controllerVersions[i] = e.controllerVersion();
            expertIds[i] = e.expertId();
            expertNames[i] = e.expertName();
            scores[i] = e.score();
            propensities[i] = e.propensity();
            embeddings[i] = e.embedding() == null ? null : EventCodec.toBytes(e.embedding());
            latencies[i] = e.latencyMillis();
            servedAt[i] = epochMicros(e.servedAt());
            regenerates[i] = e.regenerates();
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT_EXPOSURES)) {
            int p = 1;
            statement.setArray(p++, connection.createArrayOf("text", messageIds));
            statement.setArray(p++, connection.createArrayOf("text", userIds));
            statement.setArray(p++, connection.createArrayOf("text", conversationIds));
            statement.setArray(p++, connection.createArrayOf("int4", turns));
            statement.setArray(p++, connection.createArrayOf("text", experimentIds));
            statement.setArray(p++, connection.createArrayOf("text", arms));
            statement.setArray(p++, connection.createArrayOf("text", controllerVersions));
            statement.setArray(p++, connection.createArrayOf("text", expertIds));
            statement.setArray(p++, connection.createArrayOf("text", expertNames));
            statement.setArray(p++, connection.createArrayOf("float8", scores));
            statement.setArray(p++, connection.createArrayOf("float8", propensities));
            statement.setArray(p++, connection.createArrayOf("bytea", embeddings));
            statement.setArray(p++, connection.createArrayOf("int4", latencies));
            statement.setArray(p++, connection.createArrayOf("int8", servedAt));
            statement.setArray(p, connection.createArrayOf("text", regenerates));
            return statement.executeUpdate();
        }
    }

    private static int insertSignals(Connection connection, List<Signal> rows) throws SQLException {
        int n = rows.size();
        String[] messageIds = new String[n];
        String[] types = new String[n];
        Float[] values = new Float[n];
        Long[] receivedAt = new Long[n];
        for (int i = 0; i < n; i++) {
            Signal s = rows.get(i);
            messageIds[i] = s.messageId();
            types[i] = s.type().wireName();
            values[i] = s.value();
            receivedAt[i] = epochMicros(s.receivedAt());
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT_SIGNALS)) {
            statement.setArray(1, connection.createArrayOf("text", messageIds));
            statement.setArray(2, connection.createArrayOf("text", types));
            statement.setArray(3, connection.createArrayOf("float4", values));
            statement.setArray(4, connection.createArrayOf("int8", receivedAt));
            return statement.executeUpdate();
        }
    }

    // PostgreSQL keeps microseconds; rounded to the nearest, as the driver does with a java.sql.Timestamp.
    private static long epochMicros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), (t.getNano() + 500) / 1000);
    }
}
