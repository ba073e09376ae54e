package dev.llmc.gateway.auth;

import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Issues, lists and revokes API keys: validates the request, makes the key, stores its hash, refreshes the cache. */
@Singleton
public final class KeyService {
    private final JdbcApiKeyStore store;
    private final ApiKeyCache cache;
    private final KeyGenerator generator;
    private final Clock clock = Clock.systemUTC();

    KeyService(JdbcApiKeyStore store, ApiKeyCache cache, KeyGenerator generator) {
        this.store = store;
        this.cache = cache;
        this.generator = generator;
    }

    /** A freshly issued key: the only time its secret is visible. */
    public record IssuedKey(String id, String key, Caller.Role role, String owner, Caller.Limits limits, Instant createdAt) {
        @Override
        public String toString() {
            return "IssuedKey[id=" + id + ", role=" + role + ", owner=" + owner + "]";
        }
    }

    public IssuedKey issue(String role, String owner, Caller.Limits limits) {
        Caller.Role parsed = KeyRules.validate(role, owner, limits);
        KeyGenerator.NewKey key = generator.generate();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        store.insert(key.id(), key.hash(), key.prefix(), parsed, owner, limits, now);
        // The notification reloads every replica; this one reloads now so the key works on its very next request.
        cache.reloadQuietly();
        return new IssuedKey(key.id(), key.secret(), parsed, owner, limits, now);
    }

    public List<JdbcApiKeyStore.KeyInfo> list() {
        return store.list();
    }

    /** Revokes a key for good; revoking a revoked key changes nothing. */
    public void revoke(String id) {
        if (!store.revoke(id, clock.instant())) {
            throw new KeyNotFoundException(id);
        }
        cache.reloadQuietly();
    }
}
