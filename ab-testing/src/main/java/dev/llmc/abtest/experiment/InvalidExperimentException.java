package dev.llmc.abtest.experiment;

/** The caller's experiment definition or change breaks a rule; the message names it. */
public final class InvalidExperimentException extends ExperimentException {
    public InvalidExperimentException(String message) {
        super(message, null);
    }
}
