package dev.llmc.gateway.proxy;

import java.util.Locale;

/**
 * An expert node failed to answer (refused, timed out, error status, malformed reply, broken stream); trying another
 * node or expert may help. The {@link Kind} is the {@code outcome} tag of {@code llmc.upstream.latency}.
 */
public final class UpstreamException extends Exception {
    /** How the node failed. */
    public enum Kind {
        /** No connection (refused, unreachable, connect timeout, forbidden address). */
        REFUSED,
        /** No first byte, or no end of the reply, in time. */
        TIMEOUT,
        /** An error status: 5xx, 429, or another 4xx. */
        STATUS,
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

    public UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
