package dev.llmc.gateway.experiments;

import dev.llmc.gateway.GatewayException;

/** A data scientist tried to change another's experiment: every data scientist reads them, only the owner changes. */
public final class NotOwnerException extends GatewayException {
    public NotOwnerException(String message) {
        super(message, null, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
