package dev.llmc.gateway.auth;

import java.util.regex.Pattern;

/** What a key request must satisfy before a key is issued: a known role, a well-formed owner, limits of 0 or more. */
public final class KeyRules {
    // No ':' so that "owner:id" (OwnedId) is unambiguous.
    private static final Pattern OWNER = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$");

    private KeyRules() {
    }

    /** The parsed role; throws {@link InvalidKeyRequestException} naming the first field that breaks a rule. */
    public static Caller.Role validate(String role, String owner, Caller.Limits limits) {
        Caller.Role parsed = role == null ? null : Caller.Role.fromWireName(role);
        if (parsed == null) {
            throw new InvalidKeyRequestException("role", "role must be one of app, developer, data-scientist, admin");
        }
        if (owner == null || !OWNER.matcher(owner).matches()) {
            throw new InvalidKeyRequestException("owner",
                    "owner must be 1 to 128 characters of letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
        }
        requireNonNegative("requests_per_minute", limits.requestsPerMinute());
        requireNonNegative("tokens_per_minute", limits.tokensPerMinute());
        return parsed;
    }

    private static void requireNonNegative(String field, Long value) {
        if (value != null && value < 0) {
            throw new InvalidKeyRequestException(field, "'" + field + "' must be 0 (unlimited) or more");
        }
    }
}
