package dev.llmc.gateway.proxy;

/** An expert node failed to answer (refused, timed out, error status, malformed reply); trying another expert may help. */
public final class UpstreamException extends Exception {
    public UpstreamException(String message, Throwable cause) {
        super(message, cause);
    }
}
