package dev.llmc.abtest;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/** Creates or upgrades the A/B testing tables (experiments, arms, exposures, signals). */
public final class AbTestSchema {
    private AbTestSchema() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/abtest")
                // Other modules migrate the same database with their own history tables: baseline below V1.
                .table("abtest_schema_history")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                // Versions are claimed by concurrent changes (V4 shipped before V3): a lower version that arrives
                // later is applied rather than refused.
                .outOfOrder(true)
                .load()
                .migrate();
    }
}
