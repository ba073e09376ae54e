package dev.llmc.gateway.storage;

import dev.llmc.abtest.AbTestSchema;
import dev.llmc.registry.RegistrySchema;

import javax.sql.DataSource;

/**
 * Creates or upgrades every table the gateway and its libraries use. Runs once, when the connection pool is created
 * and before any bean can use it; the training job runs it too, since it may be the first to reach a database.
 */
public final class DatabaseMigrations {
    private DatabaseMigrations() {
    }

    public static void migrate(DataSource dataSource) {
        RegistrySchema.migrate(dataSource);
        AbTestSchema.migrate(dataSource);
        GatewaySchema.migrate(dataSource);
    }
}
