package dev.llmc.gpunode.error;

/**
 * The request cannot be read as the endpoint expects (a missing or mistyped field), found while it is parsed before any
 * model runs: always the caller's mistake, never worth retrying unchanged.
 */
public final class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        // No stack trace: these are the caller's mistakes, never logged as server faults.
        super(message, null, false, false);
    }
}
