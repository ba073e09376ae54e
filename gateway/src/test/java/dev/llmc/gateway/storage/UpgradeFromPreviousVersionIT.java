package dev.llmc.gateway.storage;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A database created by the previous release (every schema at the version it shipped, with its data) is upgraded in
 * place at start-up, and what it held keeps working: its keys authenticate, its logged messages keep their
 * feedback rules (owner unknown: admins only).
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UpgradeFromPreviousVersionIT extends EmbeddedGatewayTest {
    private static final String OLD_APP_KEY = "llmc_oldAppKeyIssuedBeforeTheUpgrade000000";
    // The last migration of each history as the previous release shipped it.
    private static final Map<String, String> PREVIOUS_RELEASE = Map.of(
            "db/registry:registry_schema_history", "2",
            "db/abtest:abtest_schema_history", "2",
            "db/gateway:gateway_schema_history", "1",
            "db/auth:auth_schema_history", "2");
    private final FakeExpertNode node = fakeNode("general");
    private EmbeddedPostgres previous;

    @Override
    protected Map<String, String> extraProperties() {
        try {
            previous = EmbeddedPostgres.builder().start();
            DataSource database = previous.getPostgresDatabase();
            PREVIOUS_RELEASE.forEach((history, version) -> {
                String[] parts = history.split(":");
                Flyway.configure().dataSource(database).locations("classpath:" + parts[0]).table(parts[1])
                        .baselineOnMigrate(true).baselineVersion("0").target(version).load().migrate();
            });
            execute(database, """
                    insert into api_keys (id, key_hash, prefix, role, owner, created_at)
                    values ('key_old', '%s', 'llmc_oldA', 'app', 'shop-a', now())""".formatted(sha256(OLD_APP_KEY)));
            execute(database, """
                    insert into exposures (message_id, user_id, conversation_id, turn, controller_version, expert_id,
                                           expert_name, score, propensity, latency_ms, served_at)
                    values ('msg_beforeupgrade', 'u1', 'c1', 1, 'content', 'exp_gone', 'gone', 0.5, 1, 10, now())""");
            return Map.of("llmc.database.url", previous.getJdbcUrl("postgres", "postgres"),
                    "llmc.database.user", "postgres", "llmc.database.password", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    void stopDatabase() throws IOException {
        previous.close();
    }

    @Test
    void keysMessagesAndSchemasOfThePreviousReleaseSurviveTheUpgrade() throws SQLException {
        DataSource database = previous.getPostgresDatabase();
        assertEquals("", query(database, "select owner from exposures where message_id = 'msg_beforeupgrade'"));
        PREVIOUS_RELEASE.keySet().forEach(history -> {
            String[] parts = history.split(":");
            assertEquals(0, Flyway.configure().dataSource(database).locations("classpath:" + parts[0]).table(parts[1]).load()
                    .info().pending().length, history + " is fully migrated");
        });

        http().registerExpert("general", "General knowledge assistant.", node.baseUrl());
        Reply chat = http(OLD_APP_KEY).post("/chat", """
                {"user_id": "u1", "conversation_id": "c1", "messages": [{"role": "user", "content": "Hello?"}]}""");
        assertEquals(200, chat.status(), chat.body());

        Reply byApp = http(OLD_APP_KEY).post("/feedback", "{\"message_id\": \"msg_beforeupgrade\", \"type\": \"rating\", \"value\": 3}");
        Reply byAdmin = http().post("/feedback", "{\"message_id\": \"msg_beforeupgrade\", \"type\": \"rating\", \"value\": 4}");
        assertEquals(404, byApp.status(), byApp.body());
        assertEquals(202, byAdmin.status(), byAdmin.body());
    }

    private static void execute(DataSource database, String sql) {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String query(DataSource database, String sql) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
