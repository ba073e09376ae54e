package dev.llmc.gateway.auth;

import dev.llmc.gateway.GatewayException;

/** The key is valid but its role may not call this endpoint. */
public final class InsufficientRoleException extends GatewayException {
    public InsufficientRoleException(String message) {
        super(message, null, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
