package dev.llmc.gateway.routing;

import dev.llmc.gateway.GatewayException;

/** The request pinned a model that is no active expert. */
public final class ModelNotFoundException extends GatewayException {
    public ModelNotFoundException(String model) {
        super("no active expert named '" + model + "'; GET /v1/models lists them, or use model 'auto'", "model", null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
