package dev.llmc.registry;

/** A draft breaks a registration rule; the message is the full sentence shown to the API caller. */
public final class InvalidExpertException extends RegistryException {
    private final String field;

    public InvalidExpertException(String field, String message) {
        super(message, null);
        this.field = field;
    }

    /** The offending field as the API spells it, e.g. {@code nodes[0].base_url}. */
    public String field() {
        return field;
    }
}
