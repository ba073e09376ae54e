package dev.llmc.registry;

/** The requested status change is not allowed from the expert's current status (e.g. anything after retirement). */
public final class InvalidStatusChangeException extends RegistryException {
    public InvalidStatusChangeException(String message) {
        super(message, null);
    }
}
