package dev.llmc.gateway.storage;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/**
 * The gateway's own tables: controller versions, and API keys (each with its own Flyway history beside the
 * libraries', as databases created by earlier versions have them).
 */
public final class GatewaySchema {
    private GatewaySchema() {
    }

    public static void migrate(DataSource dataSource) {
        migrate(dataSource, "db/gateway", "gateway_schema_history");
        migrate(dataSource, "db/auth", "auth_schema_history");
    }

    private static void migrate(DataSource dataSource, String location, String historyTable) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:" + location)
                .table(historyTable)
                // Other modules' tables may already exist in this database.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
