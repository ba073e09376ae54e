package dev.llmc.gateway.auth;

/** Who is calling: the owner recorded on what they create, and their role. */
public record Caller(String owner, Role role) {

    /** What a key may do; only {@code ADMIN} exists until key management arrives. */
    public enum Role { ADMIN }

    /** The request attribute under which the authenticated caller is stored. */
    public static final String ATTRIBUTE = "llmc.caller";
}
