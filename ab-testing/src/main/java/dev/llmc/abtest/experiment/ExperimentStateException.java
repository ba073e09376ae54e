package dev.llmc.abtest.experiment;

/** The change does not fit the experiment's state (e.g. starting a stopped experiment). */
public final class ExperimentStateException extends ExperimentException {
    public ExperimentStateException(String message) {
        super(message, null);
    }
}
