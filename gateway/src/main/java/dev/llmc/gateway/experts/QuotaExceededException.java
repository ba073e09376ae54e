package dev.llmc.gateway.experts;

import dev.llmc.gateway.GatewayException;

/** The change would take the owner over a configured quota (experts per owner, nodes per expert). */
public final class QuotaExceededException extends GatewayException {
    public QuotaExceededException(String message) {
        super(message, null, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
