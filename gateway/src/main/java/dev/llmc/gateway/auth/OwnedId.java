package dev.llmc.gateway.auth;

/**
 * A client-chosen id (a user or conversation id) within the owner of the app key that sent it: two owners' {@code c1}
 * are two conversations. Every store keyed by such an id (stickiness, experiment assignment, the message index) uses
 * {@link #key()}.
 */
public record OwnedId(String owner, String id) {

    /** {@code owner:id}, unambiguous because owners never contain {@code ':'} (the owner rule of {@link KeyRules}). */
    public String key() {
        return owner + ':' + id;
    }
}
