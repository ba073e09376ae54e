package dev.llmc.gateway.versions;

import dev.llmc.gateway.GatewayException;

/** No trained controller has this version id. */
public final class ControllerVersionNotFoundException extends GatewayException {
    public ControllerVersionNotFoundException(String version) {
        super("no controller version '" + version + "'", null, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
