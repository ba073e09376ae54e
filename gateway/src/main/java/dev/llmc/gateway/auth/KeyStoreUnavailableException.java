package dev.llmc.gateway.auth;

import dev.llmc.gateway.GatewayException;

/** The database holding API keys cannot be reached; the same request may succeed shortly. */
public final class KeyStoreUnavailableException extends GatewayException {
    public KeyStoreUnavailableException(String action, Throwable cause) {
        super("could not " + action + " because the database is unavailable; retry shortly", null, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
