package dev.llmc.abtest.event;

import dev.llmc.abtest.AbTestSchema;
import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import javax.sql.PooledConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event log in a real PostgreSQL: idempotent batches, the exposure reader's join, and the ingest rate. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EventLogIT {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private static Path dataDirectory;
    private final JdbcEventWriter writer = new JdbcEventWriter(dataSource);

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        AbTestSchema.migrate(dataSource);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("select current_setting('data_directory')")) {
            row.next();
            dataDirectory = Path.of(row.getString(1));
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        execute("truncate exposures, signals, event_quarantine");
    }

    static Exposure exposure(String id, String conversation, int turn, Instant at, Random random) {
        float[] embedding = new float[384];
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = (float) random.nextGaussian();
        }
        return new Exposure(id, "acme", "user-" + conversation, conversation, turn, "xpt_1", "arm-a", "content", "exp-id-1",
                "cooking", 0.42, 0.9, embedding, 7, at, null, "epsilon_greedy", "static-minilm-v1");
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
    void anEventPostgresRefusesIsQuarantinedAndTheRestOfItsBatchStored() throws Exception {
        Random random = new Random(3);
        Exposure poisoned = exposure("m2", "c\u0000x", 1, T0, random);
        List<Event> batch = List.of(exposure("m1", "c1", 1, T0, random), poisoned, exposure("m3", "c3", 1, T0, random),
                new Signal("m1", SignalType.RATING, 4f, T0));

        BisectingEventStore.Outcome outcome = writer.store(batch);

        assertTrue(outcome.complete());
        assertEquals(List.of(poisoned), outcome.quarantined().stream().map(BisectingEventStore.RefusedEvent::event).toList());
        assertEquals(2, count("exposures"));
        assertEquals(1, count("signals"));
        assertEquals(1, count("event_quarantine"));
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("select message_id, event, sql_state, error from event_quarantine")) {
            row.next();
            assertEquals("m2", row.getString(1));
            assertEquals(List.of(poisoned.userId()), EventCodec.decode(row.getString(2)).stream()
                    .map(e -> ((Exposure) e).userId()).toList());
            assertEquals("22021", row.getString(3));
            assertTrue(row.getString(4).contains("0x00"), row.getString(4));
        }
        // Replaying the same batch (an at-least-once buffer) quarantines it once.
        writer.store(batch);
        assertEquals(1, count("event_quarantine"));
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
    void theEncoderAndPolicyOfAnExposureRoundTripThroughTheCodecAndPostgres() throws Exception {
        Random random = new Random(4);
        Exposure encoded = exposure("m1", "c1", 1, T0, random);
        Exposure pinned = new Exposure("m2", "acme", "u2", "c2", 1, null, null, "pinned", "exp-id-1", "cooking", Double.NaN,
                1.0, null, 3, T0.plusSeconds(1), null, "pinned", null);
        // As a batch travels through the Redis buffer or the disk spool: the codec's text, then PostgreSQL.
        writer.write(EventCodec.decode(EventCodec.encode(List.of(encoded, pinned))));

        List<LoggedExposure> read = new ArrayList<>();
        new LoggedExposureReader().forEach(dataSource, T0, T0.plusSeconds(60), read::add);

        assertEquals(List.of("m1", "m2"), read.stream().map(LoggedExposure::messageId).toList());
        assertEquals("static-minilm-v1", read.get(0).encoder());
        assertEquals("epsilon_greedy", read.get(0).policy());
        assertArrayEquals(encoded.embedding(), read.get(0).embedding());
        assertNull(read.get(1).encoder(), "nothing was encoded for a pinned expert");
        assertEquals("pinned", read.get(1).policy());
    }

    /** Rows stored before migration V6 have no encoder: read as all-MiniLM-L6-v2, the only encoder there was. */
    @Test
    void exposuresLoggedBeforeTheEncoderColumnAreReadAsMiniLm() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists before_v6");
            statement.execute("create database before_v6");
        }
        DataSource old = postgres.getDatabase("postgres", "before_v6");
        Flyway.configure().dataSource(old).locations("classpath:db/abtest").table("abtest_schema_history")
                .baselineOnMigrate(true).baselineVersion("0").target("5").load().migrate();
        byte[] embedding = EventCodec.toBytes(new float[] {0.6f, 0.8f});
        try (Connection connection = old.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("""
                    insert into exposures (message_id, owner, user_id, conversation_id, turn, controller_version, expert_id,
                                           expert_name, score, propensity, embedding, latency_ms, served_at, policy)
                    values ('m-old', 'acme', 'u1', 'c1', 1, 'content', 'exp-id-1', 'cooking', 0.4, 0.5,
                            '\\x%s', 9, '%s', 'thompson'),
                           ('m-old-pinned', 'acme', 'u1', 'c2', 1, 'pinned', 'exp-id-1', 'cooking', 'NaN', 1, null, 9, '%s', 'pinned')"""
                    .formatted(java.util.HexFormat.of().formatHex(embedding), T0, T0.plusSeconds(1)));
        }

        AbTestSchema.migrate(old);
        List<LoggedExposure> read = new ArrayList<>();
        new LoggedExposureReader().forEach(old, T0, T0.plusSeconds(60), read::add);

        assertEquals(List.of("m-old", "m-old-pinned"), read.stream().map(LoggedExposure::messageId).toList());
        assertEquals(LoggedExposureReader.UNRECORDED_ENCODER, read.get(0).encoder());
        assertEquals("all-minilm-l6-v2", read.get(0).encoder());
        assertEquals("thompson", read.get(0).policy());
        assertArrayEquals(new float[] {0.6f, 0.8f}, read.get(0).embedding());
        assertNull(read.get(1).encoder());
    }

    @Test
    void ingestsMoreThanFiveThousandEventsPerSecond() throws Exception {
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
        double rate = ingest("event ingest: %d events (half exposures with a 384-d embedding, half ratings) in batches of "
                + batchSize, prepared.subList(1, batches));
        assertEquals(batches * batchSize / 2, count("exposures"));
        // The design target is 10,000/s. Measured here: 32,000–51,000 events/s on a quiet 2-core machine, 18,900 with
        // other builds running; the bound keeps a margin of more than three for a machine shared with other builds.
        assertTrue(rate > 5_000, "ingest rate " + rate);

        // What the gateway writes under ./llmc bench events: a pinned expert (no e(C), no experiment), 1,000 requests/s,
        // a batch every 100 ms flush interval. The server's CPU per event is what logging costs PostgreSQL there.
        List<List<Event>> small = new ArrayList<>();
        for (int b = 0; b < 300; b++) {
            List<Event> batch = new ArrayList<>(100);
            for (int i = 0; i < 100; i++) {
                // Random ids as the gateway makes them: each insert lands on a random page of the indexes on them.
                batch.add(new Exposure(randomId("msg_", random), "acme", "bench", randomId("conv_", random), 1, null, null,
                        "content", "exp-id-1", "bench", 1.0, 1.0, null, 1, T0.plusMillis(b * 100L + i), null, "greedy", null));
            }
            small.add(batch);
        }
        ingest("event ingest: %d exposures without e(C) in batches of 100 (the gateway at 1,000 requests/s)", small);
        assertEquals(batches * batchSize / 2 + 300 * 100, count("exposures"));
    }

    private static String randomId(String prefix, Random random) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 24; i++) {
            id.append(Character.forDigit(random.nextInt(36), 36));
        }
        return id.toString();
    }

    /** Writes the batches, prints the rate and, where /proc exists, the PostgreSQL server's CPU per event. */
    private static double ingest(String what, List<List<Event>> batches) throws Exception {
        // One connection kept open, as the gateway's pool does: a new connection per batch is a new server process,
        // which costs more CPU than writing 100 events.
        PGConnectionPoolDataSource source = new PGConnectionPoolDataSource();
        source.setUrl(postgres.getJdbcUrl("postgres", "postgres"));
        PooledConnection physical = source.getPooledConnection();
        try {
            JdbcEventWriter pooledWriter = new JdbcEventWriter(new PGSimpleDataSource() {
                @Override
                public Connection getConnection() throws SQLException {
                    return physical.getConnection();
                }
            });
            int events = batches.stream().mapToInt(List::size).sum();
            long cpuBefore = postgresCpuMillis();
            long start = System.nanoTime();
            for (List<Event> batch : batches) {
                pooledWriter.write(batch);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long cpu = settledPostgresCpuMillis() - cpuBefore;
            double rate = events / seconds;
            System.out.printf(what + " in %.2f s = %.0f events/s%s%n", events, seconds, rate,
                    cpuBefore < 0 ? "" : String.format("; PostgreSQL CPU %.4f ms/event", (double) cpu / events));
            return rate;
        } finally {
            physical.close();
        }
    }

    /**
     * The server's CPU time once its background processes (WAL writer, autovacuum) have finished what the writes caused:
     * when two readings 200 ms apart agree (a server still busy after 10 s is read as it is: the figure is only printed).
     */
    private static long settledPostgresCpuMillis() throws IOException {
        AtomicLong previous = new AtomicLong(Long.MIN_VALUE);
        try {
            return await("PostgreSQL's CPU time to settle").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(200))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        long now = postgresCpuMillis();
                        return previous.getAndSet(now) == now ? now : null;
                    }, java.util.Objects::nonNull);
        } catch (org.awaitility.core.ConditionTimeoutException stillBusy) {
            return postgresCpuMillis();
        }
    }

    /** CPU time of the postmaster and its children (exited ones included), from /proc; -1 where there is no /proc. */
    private static long postgresCpuMillis() throws IOException {
        if (!Files.isDirectory(Path.of("/proc/self"))) {
            return -1;
        }
        String postmaster = Files.readAllLines(dataDirectory.resolve("postmaster.pid")).getFirst().trim();
        long ticks = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String stat;
                try {
                    stat = Files.readString(process.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                // Fields after the command name: state, ppid, ..., utime (12th), stime, cutime, cstime.
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (process.getFileName().toString().equals(postmaster) || f[1].equals(postmaster)) {
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                }
            }
        }
        // USER_HZ is 100 on Linux.
        return ticks * 10;
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
