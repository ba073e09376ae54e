package dev.llmc.abtest.experiment;

/** The caller's experiment definition or change breaks a rule; the message names it. */
public final class InvalidExperimentException extends ExperimentException {
    private final String field;

    public InvalidExperimentException(String message) {
        this(null, message);
    }

    public InvalidExperimentException(String field, String message) {
        super(message, null);
        this.field = field;
    }

    /** The offending field as the API spells it (e.g. {@code arms[0].controller_version}), or null. */
    public String field() {
        return field;
    }
}
