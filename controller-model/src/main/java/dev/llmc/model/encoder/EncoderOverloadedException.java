package dev.llmc.model.encoder;

import java.time.Duration;

/** The encoder's queue is full: retrying after {@link #retryAfter()} may succeed, waiting longer now would not. */
public final class EncoderOverloadedException extends RuntimeException {

    private final Duration retryAfter;

    EncoderOverloadedException(int queued, int capacity, Duration retryAfter) {
        // No stack trace: an expected, frequent signal under load, not a fault.
        super("the encoder is overloaded: " + queued + " of " + capacity + " queue places taken", null, false, false);
        this.retryAfter = retryAfter;
    }

    /** Roughly how long the queued work takes to drain, at least one second. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
