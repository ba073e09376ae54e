package dev.llmc.gateway.auth;

import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * API keys in PostgreSQL's {@code api_keys} table, by SHA-256 hash only. Every change notifies {@link #CHANNEL} (by a
 * trigger of the schema) so each replica's {@link ApiKeyCache} follows it.
 */
@Singleton
public final class JdbcApiKeyStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcApiKeyStore.class);
    /** The PostgreSQL notification channel of key changes. */
    public static final String CHANNEL = "llmc_keys";
    private final DataSource dataSource;

    JdbcApiKeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A stored key without its secret. */
    public record KeyInfo(String id, String prefix, Caller.Role role, String owner, Caller.Limits limits, Instant createdAt,
                          Instant revokedAt) {
    }

    public void insert(String id, String hash, String prefix, Caller.Role role, String owner, Caller.Limits limits, Instant createdAt) {
        execute("issue an API key", """
                insert into api_keys (id, key_hash, prefix, role, owner, created_at, requests_per_minute, tokens_per_minute)
                values (?, ?, ?, ?, ?, ?, ?, ?)""",
                id, hash, prefix, role.wireName(), owner, OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC),
                limits.requestsPerMinute(), limits.tokensPerMinute());
    }

    public List<KeyInfo> list() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select id, prefix, role, owner, created_at, revoked_at, requests_per_minute, tokens_per_minute "
                             + "from api_keys order by created_at, id");
             ResultSet rows = statement.executeQuery()) {
            List<KeyInfo> keys = new ArrayList<>();
            while (rows.next()) {
                OffsetDateTime revoked = rows.getObject("revoked_at", OffsetDateTime.class);
                keys.add(new KeyInfo(rows.getString("id"), rows.getString("prefix"),
                        Caller.Role.fromWireName(rows.getString("role")), rows.getString("owner"), limits(rows),
                        rows.getObject("created_at", OffsetDateTime.class).toInstant(),
                        revoked == null ? null : revoked.toInstant()));
            }
            return keys;
        } catch (SQLException e) {
            throw unavailable("list API keys", e);
        }
    }

    /** Marks the key revoked at {@code at} unless it already is; false when no key has this id. */
    public boolean revoke(String id, Instant at) {
        return execute("revoke an API key", "update api_keys set revoked_at = coalesce(revoked_at, ?) where id = ?",
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC), id) > 0;
    }

    /** The callers of every key not revoked, by key hash. */
    public Map<String, Caller> loadActive() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select id, key_hash, role, owner, requests_per_minute, tokens_per_minute from api_keys where revoked_at is null");
             ResultSet rows = statement.executeQuery()) {
            Map<String, Caller> keys = new HashMap<>();
            while (rows.next()) {
                keys.put(rows.getString("key_hash"),
                        new Caller(rows.getString("id"), rows.getString("owner"), Caller.Role.fromWireName(rows.getString("role")),
                                limits(rows)));
            }
            return keys;
        } catch (SQLException e) {
            throw unavailable("load API keys", e);
        }
    }

    private static Caller.Limits limits(ResultSet row) throws SQLException {
        return new Caller.Limits(row.getObject("requests_per_minute", Long.class), row.getObject("tokens_per_minute", Long.class));
    }

    private int execute(String action, String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(action, e);
        }
    }

    private static KeyStoreUnavailableException unavailable(String action, SQLException e) {
        LOG.warn("could not {}: {}", action, e.getMessage());
        return new KeyStoreUnavailableException(action, e);
    }
}
