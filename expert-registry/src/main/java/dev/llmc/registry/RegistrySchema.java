package dev.llmc.registry;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/** Creates or upgrades the registry's tables. */
public final class RegistrySchema {
    private RegistrySchema() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/registry")
                // Other modules migrate the same database with their own history tables, so a non-empty
                // schema is normal: baseline below V1 so that V1 still runs.
                .table("registry_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
