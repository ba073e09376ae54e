package dev.llmc.gateway.auth;

import dev.llmc.gateway.GatewayException;

/** The request carries no API key, or one that is unknown or revoked. */
public final class AuthenticationException extends GatewayException {
    public AuthenticationException(String message) {
        super(message, null, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
