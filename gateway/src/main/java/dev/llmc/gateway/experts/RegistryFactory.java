package dev.llmc.gateway.experts;

import dev.llmc.gateway.storage.DatabaseNotifications;
import dev.llmc.registry.ExpertCatalog;
import dev.llmc.registry.JdbcExpertRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;

import javax.sql.DataSource;
import java.time.Clock;

/**
 * Wires the expert registry to the gateway's database; created at start-up so schema problems surface immediately.
 * The snapshot reloads on every registry change notification, so changes reach every replica within a second.
 */
@Factory
final class RegistryFactory {
    static final String CHANNEL = "llmc_registry";

    @Context
    ExpertCatalog expertCatalog(DataSource dataSource, DatabaseNotifications notifications) {
        ExpertCatalog catalog = new ExpertCatalog(new JdbcExpertRegistry(dataSource), Clock.systemUTC());
        catalog.refresh();
        notifications.subscribe(CHANNEL, catalog::refresh);
        return catalog;
    }
}
