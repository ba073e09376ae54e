package dev.llmc.gateway.versions;

import dev.llmc.gateway.GatewayException;

/** Controller versions cannot be read because their store is unavailable. */
public final class ControllerStoreUnavailableException extends GatewayException {
    public ControllerStoreUnavailableException(Throwable cause) {
        super("controller versions cannot be read right now; retry shortly", null, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
