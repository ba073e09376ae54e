package dev.llmc.abtest.signal;

import dev.llmc.abtest.event.Event;

import java.time.Instant;
import java.util.Objects;

/** A user's reaction to one message; at most one per (message, type), {@code value} only for ratings (1..5). */
public record Signal(String messageId, SignalType type, Float value, Instant receivedAt) implements Event {
    public static final float MIN_RATING = 1f;
    public static final float MAX_RATING = 5f;

    public Signal {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** The identity used for idempotency: a repeat with the same key is the same signal. */
    public String key() {
        return messageId + "/" + type.wireName();
    }

    /** Whether {@code other} says the same thing (the time it was received does not matter). */
    public boolean sameAs(Signal other) {
        return key().equals(other.key()) && Objects.equals(value, other.value);
    }
}
