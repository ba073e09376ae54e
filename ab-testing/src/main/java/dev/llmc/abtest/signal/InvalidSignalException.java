package dev.llmc.abtest.signal;

/** A signal the caller got wrong: unknown type, missing or out-of-range value. */
public final class InvalidSignalException extends RuntimeException {
    public InvalidSignalException(String message) {
        super(message);
    }
}
