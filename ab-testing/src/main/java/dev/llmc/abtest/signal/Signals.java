package dev.llmc.abtest.signal;

import java.time.Instant;

/** Validates the parts of a signal a caller sends and builds the signal. */
public final class Signals {
    private Signals() {
    }

    /**
     * @param type the wire name: {@code rating}, {@code retry} or {@code end}
     * @param value the rating (1..5, whole or half stars are both fine); must be absent for other types
     */
    public static Signal parse(String messageId, String type, Double value, Instant now) {
        if (type == null || type.isBlank()) {
            throw new InvalidSignalException("'type' is required: one of rating, retry, end");
        }
        SignalType parsed = SignalType.fromWireName(type).orElseThrow(() ->
                new InvalidSignalException("'type' '" + type + "' is not one of rating, retry, end"));
        if (parsed == SignalType.RATING) {
            if (value == null) {
                throw new InvalidSignalException("'value' is required for a rating: a number from 1 to 5");
            }
            if (value.isNaN() || value < Signal.MIN_RATING || value > Signal.MAX_RATING) {
                throw new InvalidSignalException("'value' " + value + " is out of range: a rating is from 1 to 5");
            }
            return new Signal(messageId, parsed, value.floatValue(), now);
        }
        if (value != null) {
            throw new InvalidSignalException("'value' is only allowed for type 'rating'");
        }
        return new Signal(messageId, parsed, null, now);
    }
}
