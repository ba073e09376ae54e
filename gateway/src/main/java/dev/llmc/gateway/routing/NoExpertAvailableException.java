package dev.llmc.gateway.routing;

import dev.llmc.gateway.GatewayException;

/** No expert can take the turn right now; experts and nodes come and go, so a retry may help. */
public final class NoExpertAvailableException extends GatewayException {

    /** Why no expert can take it. */
    public enum Reason {
        /** The pinned expert has no healthy node. */
        NO_HEALTHY_NODE,
        /** No expert is registered and active. */
        NO_ACTIVE_EXPERT,
        /** Active experts exist but none has a healthy node. */
        NO_HEALTHY_EXPERT
    }

    private final Reason reason;

    public NoExpertAvailableException(Reason reason, String message) {
        super(message, null, null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
