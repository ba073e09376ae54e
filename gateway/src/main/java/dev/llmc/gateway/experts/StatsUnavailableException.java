package dev.llmc.gateway.experts;

import dev.llmc.gateway.GatewayException;

/** An expert's statistics cannot be read because the event log's database is unavailable. */
public final class StatsUnavailableException extends GatewayException {
    public StatsUnavailableException(Throwable cause) {
        super("statistics are unavailable right now; retry shortly", null, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
