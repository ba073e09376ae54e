package dev.llmc.registry;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each test stops its own PostgreSQL, so each gets a fresh one. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExpertCatalogOutageIT {
    private ExpertCatalog catalog;

    @BeforeEach
    void registerAnExpertThenStopPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            RegistrySchema.migrate(postgres.getPostgresDatabase());
            catalog = new ExpertCatalog(new JdbcExpertRegistry(postgres.getPostgresDatabase(), "test-encoder"), Clock.systemUTC());
            catalog.markHealthy(catalog.register(new ExpertDraft("cooking", "Recipes",
                    List.of(new ExpertNode("http://node/v1", null))), "owner_1", new float[] {1}).id());
        }
    }

    @Test
    void activeSnapshotAnswersWithoutTheDatabase() {
        assertEquals(List.of("cooking"), catalog.active().stream().map(Expert::name).toList());
        assertTrue(catalog.activeByName("cooking").isPresent());
    }

    @Test
    void failedRefreshKeepsThePreviousSnapshot() {
        assertThrows(RegistryUnavailableException.class, catalog::refresh);

        assertEquals(List.of("cooking"), catalog.active().stream().map(Expert::name).toList());
    }

    @Test
    void databaseOutageSurfacesAsRegistryUnavailable() {
        assertThrows(RegistryUnavailableException.class, catalog::list);
    }
}
