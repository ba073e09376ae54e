package dev.llmc.gateway.auth;

import dev.llmc.gateway.GatewayException;

/** No API key has this id. */
public final class KeyNotFoundException extends GatewayException {
    public KeyNotFoundException(String id) {
        super("no API key with id '" + id + "'", null, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
