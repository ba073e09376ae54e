package dev.llmc.registry;

/** Root of the registry's errors; subclasses say whether the caller erred or retrying may help. */
public abstract class RegistryException extends RuntimeException {
    protected RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
