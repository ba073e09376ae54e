package dev.llmc.gateway.experts;

import dev.llmc.registry.ExpertCatalog;
import dev.llmc.registry.JdbcExpertRegistry;
import dev.llmc.registry.RegistrySchema;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;

import javax.sql.DataSource;
import java.time.Clock;

/** Wires the expert registry to the gateway's database; created at start-up so schema problems surface immediately. */
@Factory
final class RegistryFactory {

    @Context
    ExpertCatalog expertCatalog(DataSource dataSource) {
        RegistrySchema.migrate(dataSource);
        ExpertCatalog catalog = new ExpertCatalog(new JdbcExpertRegistry(dataSource), Clock.systemUTC());
        catalog.refresh();
        return catalog;
    }
}
