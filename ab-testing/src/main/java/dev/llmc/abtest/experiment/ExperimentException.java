package dev.llmc.abtest.experiment;

/** Root of the experiment errors; subclasses say whether the caller erred or retrying may help. */
public abstract class ExperimentException extends RuntimeException {
    protected ExperimentException(String message, Throwable cause) {
        super(message, cause);
    }
}
