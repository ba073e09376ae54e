package dev.llmc.registry;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.Statement;

/** A real PostgreSQL with the registry's schema for one test class, its experts emptied before each test. */
final class RegistryDatabase implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private EmbeddedPostgres postgres;
    private DataSource dataSource;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        RegistrySchema.migrate(dataSource);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        postgres.close();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("truncate experts cascade");
        }
    }

    DataSource dataSource() {
        return dataSource;
    }

    EmbeddedPostgres postgres() {
        return postgres;
    }
}
