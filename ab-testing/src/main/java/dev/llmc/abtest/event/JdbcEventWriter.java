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
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Writes event batches to PostgreSQL in one transaction. Inserts are idempotent ({@code on conflict do nothing} on the
 * message id, and on (message id, type) for signals), so a batch that is written twice (replayed from a buffer after an
 * outage) still arrives exactly once.
 *
 * <p>Each table gets one statement per batch whatever its size: every column travels as one array parameter and
 * {@code unnest} turns the arrays back into rows. The statement text never changes, so the driver prepares it once
 * per connection and the server plans it once; a multi-row {@code VALUES} list with 15 parameters per row had a new
 * text for every batch size and cost the server about twice the CPU per event ({@code EventLogIT}, README).
 *
 * <p>{@link #store} is what a pipeline calls: events the database refuses for what they hold go to the
 * {@code event_quarantine} table ({@link BisectingEventStore}) instead of failing the batch they came in.
 */
public final class JdbcEventWriter {
    private static final String INSERT_EXPOSURES = """
            insert into exposures (message_id, owner, user_id, conversation_id, turn, experiment_id, arm, controller_version,
                                   expert_id, expert_name, score, propensity, embedding, latency_ms, served_at, regenerates, policy,
                                   encoder)
            select message_id, owner, user_id, conversation_id, turn, experiment_id, arm, controller_version, expert_id,
                   expert_name, score, propensity, embedding, latency_ms,
                   timestamptz 'epoch' + served_at_us * interval '1 microsecond', regenerates, policy, encoder
            from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[], ?::text[],
                        ?::text[], ?::float8[], ?::float8[], ?::bytea[], ?::int4[], ?::int8[], ?::text[], ?::text[], ?::text[])
                 as e(message_id, owner, user_id, conversation_id, turn, experiment_id, arm, controller_version, expert_id,
                      expert_name, score, propensity, embedding, latency_ms, served_at_us, regenerates, policy, encoder)
            on conflict (message_id) do nothing
            """;
    private static final String INSERT_SIGNALS = """
            insert into signals (message_id, type, value, received_at)
            select message_id, type, value, timestamptz 'epoch' + received_at_us * interval '1 microsecond'
            from unnest(?::text[], ?::text[], ?::float4[], ?::int8[]) as s(message_id, type, value, received_at_us)
            on conflict (message_id, type) do nothing
            """;
    private static final String INSERT_QUARANTINE = """
            insert into event_quarantine (message_id, event, sql_state, error)
            select message_id, event, sql_state, error
            from unnest(?::text[], ?::text[], ?::text[], ?::text[]) as q(message_id, event, sql_state, error)
            on conflict ((md5(event))) do nothing
            """;
    private final DataSource dataSource;

    public JdbcEventWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Rows actually inserted (repeats of already-stored events are skipped). */
    public record Written(int exposures, int signals) {
    }

    /**
     * Stores a batch, quarantining the events PostgreSQL refuses for their content; what could not be stored because
     * PostgreSQL is unreachable comes back as {@link BisectingEventStore.Outcome#pending()}.
     */
    public BisectingEventStore.Outcome store(List<? extends Event> events) {
        return BisectingEventStore.store(events, this::write, this::quarantine);
    }

    /** Sets refused events aside in {@code event_quarantine}, in the codec's text form (storable whatever they hold). */
    public void quarantine(List<BisectingEventStore.RefusedEvent> refused) throws SQLException {
        List<String[]> rows = new ArrayList<>(refused.size());
        for (BisectingEventStore.RefusedEvent r : refused) {
            rows.add(new String[] {EventCodec.escape(r.event().messageId()), EventCodec.encode(List.of(r.event())).strip(),
                    r.sqlState(), EventCodec.escape(r.error())});
        }
        insertQuarantine(rows);
    }

    /** Sets aside a buffered entry that cannot even be decoded into events (so it cannot block replay either). */
    public void quarantineUndecodable(String text, String error) throws SQLException {
        insertQuarantine(List.<String[]>of(new String[] {null, EventCodec.escape(text), null, EventCodec.escape(error)}));
    }

    private void insertQuarantine(List<String[]> rows) throws SQLException {
        durably(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(INSERT_QUARANTINE)) {
                for (int column = 0; column < 4; column++) {
                    int c = column;
                    column(statement, column + 1, "text", rows, row -> row[c], String[]::new);
                }
                return statement.executeUpdate();
            }
        });
    }

    /** Work on one connection in one transaction. */
    private interface Transaction<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction whose commit survives a server crash even where synchronous_commit is off (as
     * in the embedded development database): the caller drops its buffered copy of the events once this returns.
     */
    private <T> T durably(Transaction<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (Statement durable = connection.createStatement()) {
                    durable.execute("set local synchronous_commit = on");
                }
                T result = work.run(connection);
                connection.commit();
                return result;
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
        return durably(connection -> new Written(exposures.isEmpty() ? 0 : insertExposures(connection, exposures),
                signals.isEmpty() ? 0 : insertSignals(connection, signals)));
    }

    private static int insertExposures(Connection connection, List<Exposure> rows) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT_EXPOSURES)) {
            column(statement, 1, "text", rows, Exposure::messageId, String[]::new);
            column(statement, 2, "text", rows, Exposure::owner, String[]::new);
            column(statement, 3, "text", rows, Exposure::userId, String[]::new);
            column(statement, 4, "text", rows, Exposure::conversationId, String[]::new);
            column(statement, 5, "int4", rows, Exposure::turn, Integer[]::new);
            column(statement, 6, "text", rows, Exposure::experimentId, String[]::new);
            column(statement, 7, "text", rows, Exposure::arm, String[]::new);
            column(statement, 8, "text", rows, Exposure::controllerVersion, String[]::new);
            column(statement, 9, "text", rows, Exposure::expertId, String[]::new);
            column(statement, 10, "text", rows, Exposure::expertName, String[]::new);
            column(statement, 11, "float8", rows, Exposure::score, Double[]::new);
            column(statement, 12, "float8", rows, Exposure::propensity, Double[]::new);
            column(statement, 13, "bytea", rows, e -> e.embedding() == null ? null : EventCodec.toBytes(e.embedding()), byte[][]::new);
            column(statement, 14, "int4", rows, Exposure::latencyMillis, Integer[]::new);
            column(statement, 15, "int8", rows, e -> epochMicros(e.servedAt()), Long[]::new);
            column(statement, 16, "text", rows, Exposure::regenerates, String[]::new);
            column(statement, 17, "text", rows, Exposure::policy, String[]::new);
            column(statement, 18, "text", rows, Exposure::encoder, String[]::new);
            return statement.executeUpdate();
        }
    }

    private static int insertSignals(Connection connection, List<Signal> rows) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT_SIGNALS)) {
            column(statement, 1, "text", rows, Signal::messageId, String[]::new);
            column(statement, 2, "text", rows, s -> s.type().wireName(), String[]::new);
            column(statement, 3, "float4", rows, Signal::value, Float[]::new);
            column(statement, 4, "int8", rows, s -> epochMicros(s.receivedAt()), Long[]::new);
            return statement.executeUpdate();
        }
    }

    /** Binds one column of the batch, {@code field} of every row, as an array parameter of the SQL element type. */
    private static <R, T> void column(PreparedStatement statement, int index, String type, List<R> rows,
                                      Function<? super R, ? extends T> field, IntFunction<T[]> newArray) throws SQLException {
        T[] values = newArray.apply(rows.size());
        for (int i = 0; i < values.length; i++) {
            values[i] = field.apply(rows.get(i));
        }
        statement.setArray(index, statement.getConnection().createArrayOf(type, values));
    }

    // PostgreSQL keeps microseconds; rounded to the nearest, as the driver does with a java.sql.Timestamp.
    private static long epochMicros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), (t.getNano() + 500) / 1000);
    }
}
