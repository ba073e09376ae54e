package dev.llmc.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExpertCatalogIT {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:15:30.123456789Z"), ZoneOffset.UTC);
    private static final float[] THETA = {0.6f, -0.8f};
    @RegisterExtension
    static final RegistryDatabase DATABASE = new RegistryDatabase();
    private final ExpertCatalog catalog = new ExpertCatalog(new JdbcExpertRegistry(DATABASE.dataSource(), "test-encoder"), CLOCK);


    private static ExpertDraft draft(String name) {
        return new ExpertDraft(name, "Answers questions about " + name, List.of(new ExpertNode("http://node:8000/v1/", null)));
    }

    @Test
    void registerReturnsAPendingExpertWithGeneratedIdAndDefaultedModel() {
        Expert expert = catalog.register(draft("cooking"), "owner_1", THETA);

        assertTrue(expert.id().matches("exp_[a-z0-9]{20}"), expert.id());
        assertEquals(ExpertStatus.PENDING, expert.status());
        assertEquals("owner_1", expert.owner());
        assertEquals(List.of(new ExpertNode("http://node:8000/v1", "cooking")), expert.nodes());
        assertEquals(Instant.parse("2025-03-01T10:15:30.123456Z"), expert.createdAt());
    }

    @Test
    void registerReturnsTheExpertAsStored() {
        Expert registered = catalog.register(draft("cooking"), "owner_1", THETA);

        Expert stored = catalog.get(registered.id());

        assertEquals(List.of(registered.id(), registered.name(), registered.description(), registered.owner(),
                        registered.status(), registered.nodes(), registered.createdAt()),
                List.of(stored.id(), stored.name(), stored.description(), stored.owner(), stored.status(),
                        stored.nodes(), stored.createdAt()));
        assertArrayEquals(THETA, stored.theta());
    }

    @Test
    void anotherEncodersGatewayReembedsEveryDescriptionOnce() {
        Expert registered = catalog.register(draft("cooking"), "owner_1", THETA);
        ExpertCatalog switched = new ExpertCatalog(new JdbcExpertRegistry(DATABASE.dataSource(), "new-encoder"), CLOCK);
        float[] reembedded = {0.8f, 0.6f};
        List<String> descriptions = new ArrayList<>();

        int count = switched.reembedDescriptions(description -> {
            descriptions.add(description);
            return reembedded;
        });

        assertEquals(1, count);
        assertEquals(List.of("Answers questions about cooking"), descriptions);
        assertArrayEquals(reembedded, switched.get(registered.id()).theta());
        assertEquals(0, switched.reembedDescriptions(description -> {
            throw new AssertionError("already embedded by new-encoder: " + description);
        }));
    }

    @Test
    void registerGivesEachExpertItsOwnId() {
        String first = catalog.register(draft("cooking"), "owner_1", THETA).id();
        String second = catalog.register(draft("law"), "owner_1", THETA).id();

        assertNotEquals(first, second);
    }

    @Test
    void pendingExpertIsProbedButNotRouted() {
        Expert expert = catalog.register(draft("cooking"), "owner_1", THETA);

        assertEquals(List.of(expert.id()), catalog.live().stream().map(Expert::id).toList());
        assertTrue(catalog.active().isEmpty());
    }

    @Test
    void healthyExpertIsInTheActiveSnapshot() {
        Expert expert = catalog.register(draft("cooking"), "owner_1", THETA);

        assertTrue(catalog.markHealthy(expert.id()));
        assertFalse(catalog.markHealthy(expert.id()));

        assertEquals(List.of(expert.id()), catalog.active().stream().map(Expert::id).toList());
        assertEquals(Optional.of(expert.id()), catalog.activeByName("cooking").map(Expert::id));
    }

    /** A registry that counts the calls of each of its methods by name. */
    private static ExpertRegistry counting(Map<String, AtomicInteger> calls) {
        JdbcExpertRegistry jdbc = new JdbcExpertRegistry(DATABASE.dataSource(), "test-encoder");
        return (ExpertRegistry) Proxy.newProxyInstance(ExpertCatalogIT.class.getClassLoader(),
                new Class<?>[] {ExpertRegistry.class}, (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), name -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(jdbc, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static int count(Map<String, AtomicInteger> calls, String method) {
        return calls.getOrDefault(method, new AtomicInteger()).get();
    }

    /** What a snapshot holds, comparable: each live expert's id, status, description, θ and nodes, in order. */
    private static List<String> contents(List<Expert> experts) {
        return experts.stream().map(expert -> expert.id() + " " + expert.status() + " " + expert.description() + " "
                + Arrays.toString(expert.theta()) + " " + expert.nodes()).toList();
    }

    @Test
    void registerAllStoresTheBatchWithOneSnapshotReloadAndActivatesItReadingOnlyTheBatch() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        ExpertCatalog counted = new ExpertCatalog(counting(calls), CLOCK);
        List<ExpertDraft> drafts = new ArrayList<>();
        List<float[]> thetas = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            drafts.add(draft("expert-" + i));
            thetas.add(new float[] {i, 1});
        }

        List<Expert> experts = counted.registerAll(drafts, "owner_1", thetas);

        assertEquals(1, count(calls, "findAll"), "the first refresh reads everything");
        counted.refresh();
        assertEquals(1, count(calls, "findAll"), "the registry's version is the snapshot's: nothing to reload");
        assertEquals(0, count(calls, "findChangedSince"));
        assertEquals(50, counted.live().size());
        assertEquals(50, experts.stream().map(Expert::id).distinct().count());
        assertArrayEquals(new float[] {49, 1}, experts.get(49).theta());
        Set<String> halfIds = experts.subList(0, 25).stream().map(Expert::id).collect(Collectors.toSet());
        assertEquals(halfIds, counted.markHealthy(halfIds));
        assertEquals(1, count(calls, "findAll"));
        assertEquals(1, count(calls, "findChangedSince"), "the activation is read alone");
        assertEquals(25, counted.active().size());
        assertEquals(Set.of(), counted.markHealthy(halfIds), "already active");
        assertEquals(1, count(calls, "findChangedSince"), "nothing changed, nothing read");
        assertEquals(1, counted.reloads());
        assertEquals(1, counted.updates());
    }

    @Test
    void everySingleChangeIsReadAloneAndLeavesTheSnapshotsOfBothReplicasAsAFullReadWould() {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> replicaCalls = new ConcurrentHashMap<>();
        ExpertCatalog writer = new ExpertCatalog(counting(calls), CLOCK);
        ExpertCatalog replica = new ExpertCatalog(counting(replicaCalls), CLOCK);
        List<Expert> batch = writer.registerAll(List.of(draft("cooking"), draft("law"), draft("chess")), "owner_1",
                List.of(new float[] {1, 0}, new float[] {0, 1}, new float[] {1, 1}));
        writer.markHealthy(batch.stream().map(Expert::id).toList());
        replica.refresh();
        Clock later = Clock.offset(CLOCK, Duration.ofSeconds(1));
        ExpertCatalog laterWriter = new ExpertCatalog(counting(calls), later);
        laterWriter.refresh();

        List<Runnable> changes = List.of(
                () -> writer.markHealthy(laterWriter.register(draft("baking"), "owner_2", THETA).id()),
                () -> writer.update(batch.get(1).id(), new ExpertPatch("Contracts and torts", null, null), new float[] {0.5f, 0.5f}),
                () -> writer.update(batch.get(2).id(), new ExpertPatch(null, List.of(new ExpertNode("http://other:1/v1", "m")),
                        ExpertStatus.PAUSED), null),
                () -> writer.retire(batch.getFirst().id()),
                () -> writer.update(batch.get(2).id(), new ExpertPatch(null, null, ExpertStatus.ACTIVE), null));
        int fullReads = count(calls, "findAll") + count(replicaCalls, "findAll");
        for (Runnable change : changes) {
            change.run();
            writer.refresh();
            replica.refresh();
            ExpertCatalog fresh = new ExpertCatalog(new JdbcExpertRegistry(DATABASE.dataSource(), "test-encoder"), CLOCK);
            fresh.refresh();
            assertEquals(contents(fresh.live()), contents(writer.live()));
            assertEquals(contents(fresh.live()), contents(replica.live()));
            assertEquals(contents(fresh.active()), contents(writer.active()));
            assertEquals(contents(fresh.active()), contents(replica.active()));
        }

        assertEquals(fullReads, count(calls, "findAll") + count(replicaCalls, "findAll"), "no change read every expert");
        assertEquals(List.of("chess", "law", "baking"), replica.active().stream().map(Expert::name).toList(), "oldest first");
        assertEquals("Contracts and torts", replica.activeExperts().byId(batch.get(1).id()).description());
        assertEquals(batch.get(2).id(), replica.activeExperts().byName("chess").id());
        assertEquals(null, replica.activeExperts().byName("cooking"), "retired");
    }

    @Test
    void expertsRemovedFromTheDatabaseLeaveTheSnapshotWithAFullRead() throws Exception {
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        ExpertCatalog counted = new ExpertCatalog(counting(calls), CLOCK);
        List<Expert> experts = counted.registerAll(List.of(draft("cooking"), draft("law")), "owner_1", List.of(THETA, THETA));
        try (Connection connection = DATABASE.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("delete from experts where id = '" + experts.getFirst().id() + "'");
        }

        counted.refresh();

        assertEquals(List.of("law"), counted.live().stream().map(Expert::name).toList());
        assertEquals(2, count(calls, "findAll"));
    }

    @Test
    void registerAllRejectsABatchWithABrokenOrRepeatedDraftNamingItAndStoresNone() {
        InvalidExpertException broken = assertThrows(InvalidExpertException.class, () -> catalog.registerAll(
                List.of(draft("cooking"), draft("auto")), "owner_1", List.of(THETA, THETA)));
        assertEquals("experts[1].name", broken.field());
        assertTrue(broken.getMessage().startsWith("experts[1].name 'auto' is reserved"), broken.getMessage());

        InvalidExpertException repeated = assertThrows(InvalidExpertException.class, () -> catalog.registerAll(
                List.of(draft("cooking"), draft("law"), draft("cooking")), "owner_1", List.of(THETA, THETA, THETA)));
        assertEquals("experts[2].name", repeated.field());

        assertTrue(catalog.list().isEmpty());
        catalog.registerAll(List.of(draft("law"), draft("law-2")), "owner_1", List.of(THETA, THETA));
        DuplicateExpertException taken = assertThrows(DuplicateExpertException.class,
                () -> catalog.registerAll(List.of(draft("tax"), draft("law")), "owner_1", List.of(THETA, THETA)));
        assertEquals("an expert named 'law' already exists", taken.getMessage());
        assertEquals(List.of("law", "law-2"), catalog.list().stream().map(Expert::name).toList());
    }

    @Test
    void registerRejectsAnInvalidDraftWithoutStoringIt() {
        assertThrows(InvalidExpertException.class, () -> catalog.register(draft("auto"), "owner_1", THETA));
        assertTrue(catalog.list().isEmpty());
    }

    @Test
    void registerRejectsATakenName() {
        catalog.register(draft("cooking"), "owner_1", THETA);

        assertThrows(DuplicateExpertException.class, () -> catalog.register(draft("cooking"), "owner_2", THETA));
    }

    @Test
    void registerRejectsMissingOrEmptyTheta() {
        assertThrows(IllegalArgumentException.class, () -> catalog.register(draft("cooking"), "owner_1", null));
        assertThrows(IllegalArgumentException.class, () -> catalog.register(draft("cooking"), "owner_1", new float[0]));
    }

    @Test
    void listReturnsExpertsFromTheDatabase() {
        catalog.register(draft("cooking"), "owner_1", THETA);
        catalog.register(draft("law"), "owner_1", THETA);

        assertEquals(List.of("cooking", "law"), catalog.list().stream().map(Expert::name).toList());
    }

    @Test
    void retireTakesTheExpertOutOfTheSnapshotButKeepsIt() {
        Expert expert = catalog.register(draft("cooking"), "owner_1", THETA);
        catalog.markHealthy(expert.id());

        catalog.retire(expert.id());

        assertTrue(catalog.active().isEmpty());
        assertTrue(catalog.live().isEmpty());
        assertEquals(ExpertStatus.RETIRED, catalog.get(expert.id()).status());
    }

    @Test
    void retiredExpertCannotChange() {
        Expert expert = catalog.register(draft("cooking"), "owner_1", THETA);
        catalog.retire(expert.id());

        assertThrows(InvalidStatusChangeException.class,
                () -> catalog.update(expert.id(), new ExpertPatch(null, null, ExpertStatus.ACTIVE), null));
    }

    @Test
    void pendingExpertCannotBeActivatedByHand() {
        Expert expert = catalog.register(draft("cooking"), "owner_1", THETA);

        assertThrows(InvalidStatusChangeException.class,
                () -> catalog.update(expert.id(), new ExpertPatch(null, null, ExpertStatus.ACTIVE), null));
    }

    @Test
    void pausingTakesAnActiveExpertOutOfRoutingAndResumingPutsItBack() {
        Expert expert = catalog.register(draft("cooking"), "owner_1", THETA);
        catalog.markHealthy(expert.id());

        catalog.update(expert.id(), new ExpertPatch(null, null, ExpertStatus.PAUSED), null);
        assertTrue(catalog.active().isEmpty());

        catalog.update(expert.id(), new ExpertPatch(null, null, ExpertStatus.ACTIVE), null);
        assertEquals(List.of("cooking"), catalog.active().stream().map(Expert::name).toList());
    }

    @Test
    void updateReplacesDescriptionThetaAndNodes() {
        Expert expert = catalog.register(draft("cooking"), "owner_1", THETA);
        float[] newTheta = {0.8f, 0.6f};

        Expert updated = catalog.update(expert.id(), new ExpertPatch("  Baking only.  ",
                List.of(new ExpertNode("http://other:9/v1/", null, 3, "sealed")), null), newTheta);

        Expert stored = catalog.get(expert.id());
        assertEquals("Baking only.", stored.description());
        assertArrayEquals(newTheta, stored.theta());
        assertEquals(List.of(new ExpertNode("http://other:9/v1", "cooking", 3, "sealed")), stored.nodes());
        assertEquals(updated.updatedAt(), stored.updatedAt());
    }

    @Test
    void getOfUnknownIdThrowsNotFound() {
        ExpertNotFoundException e = assertThrows(ExpertNotFoundException.class, () -> catalog.get("exp_missing"));
        assertEquals("no expert with id 'exp_missing'", e.getMessage());
    }

    @Test
    void retireOfUnknownIdThrowsNotFound() {
        assertThrows(ExpertNotFoundException.class, () -> catalog.retire("exp_missing"));
    }

    @Test
    void refreshShowsExpertsRegisteredThroughAnotherCatalog() {
        ExpertCatalog otherReplica = new ExpertCatalog(new JdbcExpertRegistry(DATABASE.dataSource(), "test-encoder"), CLOCK);
        otherReplica.markHealthy(otherReplica.register(draft("cooking"), "owner_1", THETA).id());
        assertTrue(catalog.active().isEmpty());

        catalog.refresh();

        assertEquals(List.of("cooking"), catalog.active().stream().map(Expert::name).toList());
    }

    @Test
    void activeSnapshotLeavesOutExpertsThatAreNotActive() {
        new JdbcExpertRegistry(DATABASE.dataSource(), "test-encoder").insert(new Expert("exp_paused", "paused-one", "d", "o", ExpertStatus.PAUSED,
                THETA, List.of(new ExpertNode("http://n", "m")), CLOCK.instant()));
        catalog.markHealthy(catalog.register(draft("cooking"), "owner_1", THETA).id());

        assertEquals(List.of("cooking"), catalog.active().stream().map(Expert::name).toList());
        assertTrue(catalog.activeByName("paused-one").isEmpty());
    }

    @Test
    void activeByNameOfUnknownNameIsEmpty() {
        catalog.markHealthy(catalog.register(draft("cooking"), "owner_1", THETA).id());

        assertEquals(Optional.empty(), catalog.activeByName("law"));
        assertEquals(Optional.empty(), catalog.activeByName(null));
    }
}
