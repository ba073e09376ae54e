package dev.llmc.gateway.events;

import dev.llmc.gateway.GatewayException;

/** The message ledger cannot answer a question a request depends on; the message says what could not be done. */
public final class EventLogUnavailableException extends GatewayException {
    public EventLogUnavailableException(String message, Throwable cause) {
        super(message, null, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
