package dev.llmc.gateway.auth;

import dev.llmc.gateway.config.AuthConfig;
import dev.llmc.gateway.storage.DatabaseNotifications;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Authenticates requests from memory, never the database: the bootstrap admin key from the environment plus every
 * active stored key, reloaded on each PostgreSQL notification of a change (here or on another replica), so revoking a
 * key takes effect everywhere within a second, and on a schedule in case a notification was missed.
 */
@Singleton
public final class ApiKeyCache {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyCache.class);
    // Never rate limited: the operator must always be able to manage keys, even with strict default limits.
    private static final Caller BOOTSTRAP_ADMIN = new Caller("admin", "admin", Caller.Role.ADMIN, new Caller.Limits(0L, 0L));

    private final byte[] adminKey;
    private final JdbcApiKeyStore store;
    private volatile Map<String, Caller> byHash = Map.of();
    // Keys already verified against byHash, so a request hashes its key once per key table rather than every time
    // (SHA-256 and a provider lookup per request). Replaced, never edited, whenever the table changes.
    private volatile Map<String, Caller> verified = new ConcurrentHashMap<>();
    // A lock rather than synchronized: reloads do JDBC I/O and may run on virtual threads.
    private final ReentrantLock reloadLock = new ReentrantLock();

    ApiKeyCache(AuthConfig config, JdbcApiKeyStore store, DatabaseNotifications notifications) {
        this.adminKey = config.adminKey().getBytes(StandardCharsets.UTF_8);
        this.store = store;
        reload();
        notifications.subscribe(JdbcApiKeyStore.CHANNEL, this::reloadQuietly);
    }

    /** The caller a presented key belongs to; empty for unknown or revoked keys. */
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
        caller = byHash.get(KeyGenerator.hash(presented));
        // Only keys that exist are remembered, so guessing cannot grow the map past the number of issued keys.
        if (caller != null) {
            verified.put(presented, caller);
        }
        return Optional.ofNullable(caller);
    }

    /** Reloads now, keeping the previous table if the database cannot be read; also the safety net for a missed notification. */
    @Scheduled(fixedDelay = "${llmc.routing.registry-refresh:2s}", initialDelay = "${llmc.routing.registry-refresh:2s}")
    void reloadQuietly() {
        try {
            reload();
        } catch (KeyStoreUnavailableException e) {
            LOG.warn("API keys not reloaded, keeping the previous table ({} keys): {}", byHash.size(), e.getMessage());
        }
    }

    private void reload() {
        reloadLock.lock();
        try {
            Map<String, Caller> keys = store.loadActive();
            if (!keys.equals(byHash)) {
                byHash = Map.copyOf(keys);
                verified = new ConcurrentHashMap<>();
            }
        } finally {
            reloadLock.unlock();
        }
    }
}
