package dev.llmc.registry;

/** No expert has the given id. */
public final class ExpertNotFoundException extends RegistryException {
    public ExpertNotFoundException(String id) {
        super("no expert with id '" + id + "'", null);
    }
}
