package dev.llmc.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JdbcExpertRegistryIT {
    private static final Instant T0 = Instant.parse("2025-03-01T10:15:30.123456Z");
    @RegisterExtension
    static final RegistryDatabase DATABASE = new RegistryDatabase();
    private final ExpertRegistry registry = new JdbcExpertRegistry(DATABASE.dataSource(), "test-encoder");


    private static Expert expert(String id, String name, Instant createdAt) {
        return new Expert(id, name, "Answers questions about " + name, "owner_1", ExpertStatus.ACTIVE,
                new float[] {0.25f, -1.5f}, List.of(new ExpertNode("http://node:8000/v1", name)), createdAt);
    }

    private static void execute(DataSource target, String sql) throws SQLException {
        try (Connection connection = target.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void findByIdReturnsEveryFieldAsInserted() {
        float[] theta = {0.1f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, 1.0f / 3, -123.456f};
        List<ExpertNode> nodes = List.of(new ExpertNode("http://b:1/v1", "second-model"),
                new ExpertNode("https://a/v1", "first-model"), new ExpertNode("http://c", "third"));
        Expert inserted = new Expert("exp_1", "cooking", "Recipes and technique", "owner_7", ExpertStatus.PAUSED,
                theta, nodes, T0);
        registry.insert(inserted);

        Expert found = registry.findById("exp_1").orElseThrow();

        assertEquals("exp_1", found.id());
        assertEquals("cooking", found.name());
        assertEquals("Recipes and technique", found.description());
        assertEquals("owner_7", found.owner());
        assertEquals(ExpertStatus.PAUSED, found.status());
        assertArrayEquals(theta, found.theta());
        assertEquals(nodes, found.nodes());
        assertEquals(T0, found.createdAt());
    }

    @Test
    void thetaRoundTripsBitForBit() {
        float[] theta = new float[384];
        Random random = new Random(42);
        for (int i = 0; i < theta.length; i++) {
            theta[i] = (float) random.nextGaussian() / 19;
        }
        registry.insert(new Expert("exp_1", "cooking", "d", "o", ExpertStatus.ACTIVE, theta,
                List.of(new ExpertNode("http://n", "m")), T0));

        float[] found = registry.findById("exp_1").orElseThrow().theta();

        for (int i = 0; i < theta.length; i++) {
            assertEquals(Float.floatToRawIntBits(theta[i]), Float.floatToRawIntBits(found[i]), "theta[" + i + "]");
        }
    }

    @Test
    void findByIdOfUnknownIdIsEmpty() {
        assertTrue(registry.findById("exp_missing").isEmpty());
    }

    @Test
    void findAllOrdersByCreationTimeThenName() {
        registry.insert(expert("exp_3", "zebra", T0));
        registry.insert(expert("exp_1", "late", T0.plusSeconds(1)));
        registry.insert(expert("exp_2", "alpha", T0));

        List<String> names = registry.findAll().stream().map(Expert::name).toList();

        assertEquals(List.of("alpha", "zebra", "late"), names);
    }

    @Test
    void findAllKeepsEachExpertsNodesInOrder() {
        registry.insert(new Expert("exp_1", "one", "d", "o", ExpertStatus.ACTIVE, new float[] {1},
                List.of(new ExpertNode("http://a", "a"), new ExpertNode("http://b", "b")), T0));
        registry.insert(new Expert("exp_2", "two", "d", "o", ExpertStatus.ACTIVE, new float[] {2},
                List.of(new ExpertNode("http://c", "c")), T0.plusSeconds(1)));

        List<List<ExpertNode>> nodes = registry.findAll().stream().map(Expert::nodes).toList();

        assertEquals(List.of(List.of(new ExpertNode("http://a", "a"), new ExpertNode("http://b", "b")),
                List.of(new ExpertNode("http://c", "c"))), nodes);
    }

    @Test
    void changeStatusOnlyChangesFromTheExpectedStatus() {
        registry.insert(new Expert("exp_1", "cooking", "d", "o", ExpertStatus.PENDING, new float[] {1},
                List.of(new ExpertNode("http://n", "m")), T0));

        assertEquals(Set.of("exp_1"), registry.changeStatus(List.of("exp_1"), ExpertStatus.PENDING, ExpertStatus.ACTIVE, T0.plusSeconds(1)));
        assertEquals(Set.of(), registry.changeStatus(List.of("exp_1"), ExpertStatus.PENDING, ExpertStatus.ACTIVE, T0.plusSeconds(2)));
        Expert found = registry.findById("exp_1").orElseThrow();
        assertEquals(ExpertStatus.ACTIVE, found.status());
        assertEquals(T0.plusSeconds(1), found.updatedAt());
    }

    @Test
    void everyChangeNotifiesTheRegistryChannelAtCommit() throws SQLException {
        try (Connection listener = DATABASE.dataSource().getConnection(); Statement listen = listener.createStatement()) {
            listen.execute("listen llmc_registry");
            PGConnection pg = listener.unwrap(PGConnection.class);

            registry.insert(expert("exp_1", "cooking", T0));
            assertEquals(1, pg.getNotifications(2000).length, "insert of expert and nodes is one notification");

            registry.changeStatus(List.of("exp_1"), ExpertStatus.ACTIVE, ExpertStatus.PAUSED, T0);
            assertEquals(1, pg.getNotifications(2000).length);
        }
    }

    @Test
    void storesNodeWeightAndSealedKey() {
        registry.insert(new Expert("exp_1", "cooking", "d", "o", ExpertStatus.ACTIVE, new float[] {1},
                List.of(new ExpertNode("http://n", "m", 7, "v1:sealed")), T0));

        assertEquals(List.of(new ExpertNode("http://n", "m", 7, "v1:sealed")), registry.findById("exp_1").orElseThrow().nodes());
    }

    @Test
    void insertingATakenNameThrowsDuplicateExpert() {
        registry.insert(expert("exp_1", "cooking", T0));

        DuplicateExpertException e = assertThrows(DuplicateExpertException.class,
                () -> registry.insert(expert("exp_2", "cooking", T0)));
        assertEquals("an expert named 'cooking' already exists", e.getMessage());
    }

    @Test
    void insertAllStoresEveryExpertInOneTransactionWithOneNotification() throws SQLException {
        try (Connection listener = DATABASE.dataSource().getConnection(); Statement listen = listener.createStatement()) {
            listen.execute("listen llmc_registry");
            PGConnection pg = listener.unwrap(PGConnection.class);

            registry.insertAll(List.of(expert("exp_1", "one", T0), expert("exp_2", "two", T0.plusSeconds(1)),
                    expert("exp_3", "three", T0.plusSeconds(2))));

            assertEquals(List.of("one", "two", "three"), registry.findAll().stream().map(Expert::name).toList());
            assertEquals(1, pg.getNotifications(2000).length, "one notification for the whole batch");
        }
    }

    @Test
    void everyCommittedChangeMovesTheVersionAndReadsDoNot() {
        long start = registry.version();
        registry.insertAll(List.of(expert("exp_1", "one", T0), expert("exp_2", "two", T0)));
        long afterInsert = registry.version();
        registry.findAll();
        assertEquals(afterInsert, registry.version());
        registry.changeStatus(List.of("exp_1"), ExpertStatus.ACTIVE, ExpertStatus.PAUSED, T0);

        assertTrue(afterInsert > start);
        long afterPause = registry.version();
        assertTrue(afterPause > afterInsert);
        assertThrows(DuplicateExpertException.class, () -> registry.insert(expert("exp_3", "one", T0)));
        assertEquals(afterPause, registry.version(), "a rolled-back insert changes nothing");
    }

    @Test
    void findChangedSinceReadsTheRowsChangedAfterTheVersionUntilRowsAreRemoved() throws SQLException {
        long beforeInsert = registry.version();
        registry.insertAll(List.of(expert("exp_1", "one", T0), expert("exp_2", "two", T0.plusSeconds(1))));
        long afterInsert = registry.version();
        assertEquals(List.of("exp_1", "exp_2"), registry.findChangedSince(beforeInsert).orElseThrow().stream().map(Expert::id).toList());
        assertEquals(List.of(), registry.findChangedSince(afterInsert).orElseThrow());

        registry.changeStatus(List.of("exp_2"), ExpertStatus.ACTIVE, ExpertStatus.PAUSED, T0.plusSeconds(5));
        Expert updated = new Expert("exp_1", "one", "Now about baking", "owner_1", ExpertStatus.ACTIVE, new float[] {1, 2},
                List.of(new ExpertNode("http://other/v1", "m", 2, "sealed")), T0, T0.plusSeconds(6));
        registry.update(updated);

        List<Expert> changed = registry.findChangedSince(afterInsert).orElseThrow();
        assertEquals(List.of("exp_1", "exp_2"), changed.stream().map(Expert::id).toList());
        assertEquals(ExpertStatus.PAUSED, changed.get(1).status());
        assertEquals("Now about baking", changed.getFirst().description());
        assertArrayEquals(new float[] {1, 2}, changed.getFirst().theta());
        assertEquals(updated.nodes(), changed.getFirst().nodes());
        assertEquals(List.of(), registry.findChangedSince(registry.version()).orElseThrow(), "nothing since the latest version");

        execute(DATABASE.dataSource(), "delete from experts where id = 'exp_2'");

        assertTrue(registry.findChangedSince(afterInsert).isEmpty(), "a removal only a full read shows");
        assertEquals(List.of(), registry.findChangedSince(registry.version()).orElseThrow(), "read in full since");
    }

    @Test
    void countNotRetiredCountsOneOwnersLiveExperts() {
        Expert other = new Expert("exp_9", "theirs", "d", "owner_2", ExpertStatus.ACTIVE, new float[] {1}, List.of(), T0);
        registry.insertAll(List.of(expert("exp_1", "one", T0), expert("exp_2", "two", T0), expert("exp_3", "three", T0), other));
        registry.changeStatus(List.of("exp_3"), ExpertStatus.ACTIVE, ExpertStatus.RETIRED, T0);

        assertEquals(2, registry.countNotRetired("owner_1"));
        assertEquals(1, registry.countNotRetired("owner_2"));
        assertEquals(0, registry.countNotRetired("nobody"));
    }

    @Test
    void insertAllStoresNoneWhenOneNameIsTaken() {
        registry.insert(expert("exp_1", "cooking", T0));

        DuplicateExpertException e = assertThrows(DuplicateExpertException.class, () -> registry.insertAll(
                List.of(expert("exp_2", "baking", T0), expert("exp_3", "cooking", T0))));

        assertEquals("an expert named 'cooking' already exists", e.getMessage());
        assertEquals(List.of("cooking"), registry.findAll().stream().map(Expert::name).toList());
    }

    @Test
    void changeStatusOfManyChangesOnlyThoseStillInTheExpectedStatus() {
        registry.insertAll(List.of(pending("exp_1", "one"), pending("exp_2", "two"), pending("exp_3", "three")));
        registry.changeStatus(List.of("exp_2"), ExpertStatus.PENDING, ExpertStatus.PAUSED, T0);

        assertEquals(Set.of("exp_1", "exp_3"), registry.changeStatus(List.of("exp_1", "exp_2", "exp_3", "exp_missing"),
                ExpertStatus.PENDING, ExpertStatus.ACTIVE, T0.plusSeconds(1)));
        assertEquals(Map.of("one", ExpertStatus.ACTIVE, "two", ExpertStatus.PAUSED, "three", ExpertStatus.ACTIVE),
                registry.findAll().stream().collect(Collectors.toMap(Expert::name, Expert::status)));
        assertEquals(Set.of(), registry.changeStatus(List.of(), ExpertStatus.PENDING, ExpertStatus.ACTIVE, T0));
    }

    private static Expert pending(String id, String name) {
        return new Expert(id, name, "d", "o", ExpertStatus.PENDING, new float[] {1}, List.of(new ExpertNode("http://n", "m")), T0);
    }

    @Test
    void insertStoresNothingWhenANodeCannotBeStored() {
        Expert broken = new Expert("exp_1", "cooking", "d", "o", ExpertStatus.ACTIVE, new float[] {1},
                Arrays.asList(new ExpertNode("http://a", "a"), new ExpertNode("http://b", null)), T0);

        assertThrows(RegistryUnavailableException.class, () -> registry.insert(broken));
        assertTrue(registry.findAll().isEmpty());
    }

    @Test
    void migratingTwiceChangesNothing() throws SQLException {
        registry.insert(expert("exp_1", "cooking", T0));

        RegistrySchema.migrate(DATABASE.dataSource());

        assertEquals(1, count("select count(*) from registry_schema_history where version = '1' and success"));
        assertEquals(1, registry.findAll().size());
    }

    @Test
    void migratesADatabaseWhereAnotherModuleAlreadyMigrated() throws Exception {
        execute(DATABASE.dataSource(), "create database shared");
        DataSource shared = DATABASE.postgres().getDatabase("postgres", "shared");
        execute(shared, "create table other_schema_history (installed_rank int primary key, version text)");
        execute(shared, "create table experiments (id text primary key)");

        RegistrySchema.migrate(shared);

        JdbcExpertRegistry sharedRegistry = new JdbcExpertRegistry(shared, "test-encoder");
        sharedRegistry.insert(expert("exp_1", "cooking", T0));
        assertEquals("cooking", sharedRegistry.findById("exp_1").orElseThrow().name());
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
