package dev.llmc.gateway.feedback;

import dev.llmc.gateway.GatewayException;

/** The message already has a signal of this type with another value, which a new one cannot replace. */
public final class SignalConflictException extends GatewayException {
    public SignalConflictException(String message) {
        super(message, null, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
