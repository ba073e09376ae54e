package dev.llmc.gateway.storage;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/** The gateway's own tables (controller versions), migrated with their own Flyway history beside the libraries'. */
public final class GatewaySchema {
    private GatewaySchema() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/gateway")
                .table("gateway_schema_history")
                // Other modules' tables may already exist in this database.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
