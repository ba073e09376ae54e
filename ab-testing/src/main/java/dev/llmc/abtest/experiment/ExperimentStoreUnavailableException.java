package dev.llmc.abtest.experiment;

/** The experiment store's database failed or could not be reached; retrying may help. */
public final class ExperimentStoreUnavailableException extends ExperimentException {
    public ExperimentStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
