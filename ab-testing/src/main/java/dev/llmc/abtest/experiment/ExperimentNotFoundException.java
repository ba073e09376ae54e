package dev.llmc.abtest.experiment;

/** No experiment has this id. */
public final class ExperimentNotFoundException extends ExperimentException {
    public ExperimentNotFoundException(String message) {
        super(message, null);
    }
}
