package dev.llmc.registry;

import java.util.Locale;

/** Lifecycle of an expert; only {@link #ACTIVE} experts are routed to. */
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
