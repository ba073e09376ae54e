package dev.llmc.gateway.auth;

import dev.llmc.gateway.GatewayException;

/** A key cannot be issued as asked: an unknown role, a malformed owner or a negative limit. */
public final class InvalidKeyRequestException extends GatewayException {
    public InvalidKeyRequestException(String field, String message) {
        super(message, field, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
