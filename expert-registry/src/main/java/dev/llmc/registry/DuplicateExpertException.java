package dev.llmc.registry;

/** Another expert already has the requested name. */
public final class DuplicateExpertException extends RegistryException {
    public DuplicateExpertException(String name) {
        super("an expert named '" + name + "' already exists", null);
    }
}
