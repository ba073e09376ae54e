package dev.llmc.gateway.chat;

import dev.llmc.gateway.GatewayException;

/** A {@code regenerate} turn whose conversation has no earlier reply to replace. */
public final class NothingToRegenerateException extends GatewayException {
    public NothingToRegenerateException(String conversationId) {
        super("'regenerate': conversation '" + conversationId + "' has no earlier reply to replace", "regenerate", null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
