package dev.llmc.gateway.auth;

import dev.llmc.gateway.api.ApiException;
import dev.llmc.gateway.config.AuthConfig;
import dev.llmc.gateway.storage.DatabaseNotifications;
import io.micronaut.http.HttpStatus;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * API keys: the bootstrap admin key from the environment plus keys issued by admins, stored as SHA-256 hashes in
 * PostgreSQL. Requests are authenticated against an in-memory table that follows every change (here or on another
 * replica) through PostgreSQL notifications, so revoking a key takes effect everywhere within a second.
 */
@Singleton
public final class ApiKeys {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    static final String CHANNEL = "llmc_keys";
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int KEY_LENGTH = 40;
    private static final int PREFIX_LENGTH = 9;
    private static final Pattern OWNER = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$");
    // Never rate limited: the operator must always be able to manage keys, even with strict default limits.
    private static final Caller BOOTSTRAP_ADMIN = new Caller("admin", "admin", Caller.Role.ADMIN, new Caller.Limits(0L, 0L));

    private final byte[] adminKey;
    private final DataSource dataSource;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    private volatile Map<String, Caller> byHash = Map.of();
    // Keys already verified against byHash, so a request hashes its key once per key table rather than every time
    // (SHA-256 and a provider lookup per request). Replaced, never edited, whenever the table changes.
    private volatile Map<String, Caller> verified = new ConcurrentHashMap<>();
    // A lock rather than synchronized: reloads do JDBC I/O and may run on virtual threads.
    private final ReentrantLock reloadLock = new ReentrantLock();

    ApiKeys(AuthConfig config, DataSource dataSource, DatabaseNotifications notifications) {
        this.adminKey = config.adminKey().getBytes(StandardCharsets.UTF_8);
        this.dataSource = dataSource;
        reload();
        notifications.subscribe(CHANNEL, this::reloadQuietly);
    }

    /** A freshly issued key: the only time its secret is visible. */
    public record IssuedKey(String id, String key, Caller.Role role, String owner, Caller.Limits limits, Instant createdAt) {
    }

    /** A stored key without its secret. */
    public record KeyInfo(String id, String prefix, Caller.Role role, String owner, Caller.Limits limits, Instant createdAt,
                          Instant revokedAt) {
    }

    /** The caller a presented key belongs to, from memory; empty for unknown or revoked keys. */
    public Optional<Caller> authenticate(String presented) {
        // Constant-time comparison so response timing does not reveal how much of a guess was right.
        if (MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), adminKey)) {
            return Optional.of(BOOTSTRAP_ADMIN);
        }
        Map<String, Caller> verified = this.verified;
        Caller caller = verified.get(presented);
        if (caller != null) {
            return Optional.of(caller);
        }
        caller = byHash.get(hash(presented));
        // Only keys that exist are remembered, so guessing cannot grow the map past the number of issued keys.
        if (caller != null) {
            verified.put(presented, caller);
        }
        return Optional.ofNullable(caller);
    }

    public IssuedKey issue(String role, String owner, Caller.Limits limits) {
        Caller.Role parsed = role == null ? null : Caller.Role.fromWireName(role);
        if (parsed == null) {
            throw ApiException.invalid("role must be one of app, developer, data-scientist, admin");
        }
        if (owner == null || !OWNER.matcher(owner).matches()) {
            throw ApiException.invalid("owner must be 1 to 128 characters of letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
        }
        requireNonNegative("requests_per_minute", limits.requestsPerMinute());
        requireNonNegative("tokens_per_minute", limits.tokensPerMinute());
        String key = "llmc_" + randomString(KEY_LENGTH);
        String id = "key_" + randomString(20).toLowerCase();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        execute("issue an API key", """
                insert into api_keys (id, key_hash, prefix, role, owner, created_at, requests_per_minute, tokens_per_minute)
                values (?, ?, ?, ?, ?, ?, ?, ?)""",
                id, hash(key), key.substring(0, PREFIX_LENGTH), parsed.wireName(), owner, OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                limits.requestsPerMinute(), limits.tokensPerMinute());
        reloadQuietly();
        return new IssuedKey(id, key, parsed, owner, limits, now);
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

    /** Revokes a key for good; revoking a revoked key changes nothing. */
    public void revoke(String id) {
        int changed = execute("revoke an API key",
                "update api_keys set revoked_at = coalesce(revoked_at, ?) where id = ?",
                OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), id);
        if (changed == 0) {
            throw ApiException.notFound("key_not_found", "no API key with id '" + id + "'");
        }
        reloadQuietly();
    }

    /** Safety net for a missed notification (e.g. while the listening connection was reconnecting). */
    @Scheduled(fixedDelay = "${llmc.routing.registry-refresh:2s}", initialDelay = "${llmc.routing.registry-refresh:2s}")
    void reloadQuietly() {
        try {
            reload();
        } catch (ApiException e) {
            LOG.warn("API keys not reloaded, keeping the previous table ({} keys): {}", byHash.size(), e.getMessage());
        }
    }

    private void reload() {
        reloadLock.lock();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "select id, key_hash, role, owner, requests_per_minute, tokens_per_minute from api_keys where revoked_at is null");
             ResultSet rows = statement.executeQuery()) {
            Map<String, Caller> keys = new java.util.HashMap<>();
            while (rows.next()) {
                keys.put(rows.getString("key_hash"),
                        new Caller(rows.getString("id"), rows.getString("owner"), Caller.Role.fromWireName(rows.getString("role")),
                                limits(rows)));
            }
            if (!keys.equals(byHash)) {
                byHash = Map.copyOf(keys);
                verified = new ConcurrentHashMap<>();
            }
        } catch (SQLException e) {
            throw unavailable("load API keys", e);
        } finally {
            reloadLock.unlock();
        }
    }

    private static Caller.Limits limits(ResultSet row) throws SQLException {
        return new Caller.Limits(row.getObject("requests_per_minute", Long.class), row.getObject("tokens_per_minute", Long.class));
    }

    private static void requireNonNegative(String field, Long value) {
        if (value != null && value < 0) {
            throw ApiException.invalid("'" + field + "' must be 0 (unlimited) or more");
        }
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

    private String randomString(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(KEY_ALPHABET.charAt(random.nextInt(KEY_ALPHABET.length())));
        }
        return text.toString();
    }

    static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static ApiException unavailable(String action, SQLException e) {
        LOG.warn("could not {}: {}", action, e.getMessage());
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "database_unavailable",
                "could not " + action + " because the database is unavailable; retry shortly");
    }
}
