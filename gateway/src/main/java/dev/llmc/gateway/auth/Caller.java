package dev.llmc.gateway.auth;

import io.micronaut.core.annotation.Nullable;

import java.util.Locale;

/**
 * Who is calling: the key's id (what rate limits count against), the owner recorded on what they create, their
 * role, and the key's own rate limits.
 */
public record Caller(String keyId, String owner, Role role, Limits limits) {

    /** A key's own limits per minute; null fields mean the configured default ({@code llmc.rate-limits.*}), 0 unlimited. */
    public record Limits(@Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute) {
        public static final Limits DEFAULTS = new Limits(null, null);
    }

    /** What a key may do: {@code app} chats and sends feedback, {@code developer} manages its own experts,
     * {@code data-scientist} runs experiments and reads results, {@code admin} does everything. */
    public enum Role {
        APP, DEVELOPER, DATA_SCIENTIST, ADMIN;

        /** The name used in the API and the database, e.g. {@code data-scientist}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Parses a wire name; null when it names no role. */
        public static Role fromWireName(String name) {
            for (Role role : values()) {
                if (role.wireName().equals(name)) {
                    return role;
                }
            }
            return null;
        }
    }

    /** The request attribute under which the authenticated caller is stored. */
    public static final String ATTRIBUTE = "llmc.caller";

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Whether this caller may see and change something owned by {@code resourceOwner}: admins everything, others their own. */
    public boolean mayAccess(String resourceOwner) {
        return isAdmin() || owner.equals(resourceOwner);
    }
}
