package dev.llmc.gateway.proxy;

import java.util.Locale;

/**
 * An expert node failed to answer (refused, timed out, error status, malformed reply, broken stream); trying another
 * node or expert may help, except when the node {@link Kind#REJECTED rejected the request} itself. The {@link Kind} is
 * the {@code outcome} tag of {@code llmc.upstream.latency}.
 */
public final class UpstreamException extends Exception {
    /** How the node failed. */
    public enum Kind {
        /** No connection (refused, unreachable, connect timeout, forbidden address). */
        REFUSED,
        /** No first byte, or no end of the reply, in time. */
        TIMEOUT,
        /** An error status worth trying elsewhere: 5xx, 429, 408. */
        STATUS,
        /**
         * 401, 403 or 404: the node refuses this expert's configuration (its API key, model or URL); the node leaves
         * this expert's rotation and the turn moves on.
         */
        MISCONFIGURED,
        /**
         * Another 4xx (400, 413, 422, …): the node refused the request itself. Another node or expert would be asked
         * the same thing, so the caller gets the node's status instead; it says nothing about the node's health.
         */
        REJECTED,
        /** A reply that is not a chat completion. */
        MALFORMED,
        /** The stream ended or broke before {@code data: [DONE]}. */
        BROKEN,
        /** The node cannot be called at all (no available node, API key cannot be decrypted). */
        UNAVAILABLE;

        /** The metric tag value. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final int status;
    private final String reason;

    public UpstreamException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, 0, null);
    }

    /**
     * @param status the node's HTTP status (0: none)
     * @param reason the node's own error message, already trimmed and free of the node's address (null: none)
     */
    public UpstreamException(Kind kind, String message, Throwable cause, int status, String reason) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.reason = reason;
    }

    public Kind kind() {
        return kind;
    }

    /** The node's HTTP status, 0 when it sent none. */
    public int status() {
        return status;
    }

    /** The node's own error message, safe to show the caller (trimmed, without the node's address); null when none. */
    public String reason() {
        return reason;
    }
}
