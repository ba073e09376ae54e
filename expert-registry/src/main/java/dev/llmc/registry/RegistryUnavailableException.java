package dev.llmc.registry;

/** The database failed or could not be reached; retrying may help. */
public final class RegistryUnavailableException extends RegistryException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
