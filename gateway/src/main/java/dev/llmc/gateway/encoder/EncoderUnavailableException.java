package dev.llmc.gateway.encoder;

import dev.llmc.gateway.GatewayException;

/** The remote encoder did not answer, or answered with something that is not an embeddings response. */
public final class EncoderUnavailableException extends GatewayException {
    public EncoderUnavailableException(String message, Throwable cause) {
        super(message, null, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
