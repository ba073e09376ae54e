package dev.llmc.abtest.event;

/** The event log's database failed or could not be reached; retrying may help. */
public final class EventLogUnavailableException extends RuntimeException {
    public EventLogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
