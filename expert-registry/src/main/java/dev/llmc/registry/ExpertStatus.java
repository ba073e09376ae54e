package dev.llmc.registry;

import java.util.Locale;

/**
 * Lifecycle of an expert: {@link #PENDING} until one of its nodes passes a health check, then {@link #ACTIVE};
 * {@link #PAUSED} and {@link #RETIRED} by its owner or an admin. Only active experts are routed to; retired is final
 * (the row stays for statistics).
 */
public enum ExpertStatus {
    PENDING, ACTIVE, PAUSED, RETIRED;

    /** The lower-case name used in the database and the HTTP API. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name such as {@code active}. */
    public static ExpertStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
