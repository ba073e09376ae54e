package dev.llmc.gateway.proxy;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One node's circuit breaker: {@code threshold} consecutive failures open it, so the node gets no requests for
 * {@code openFor}; then it is half-open and lets exactly one probe request through, whose success closes it and whose
 * failure opens it again for another {@code openFor}.
 */
final class CircuitBreaker {
    /** The breaker's state; {@link #gaugeValue} is what {@code llmc.circuit.state} reports. */
    enum State {
        CLOSED(0), HALF_OPEN(1), OPEN(2);

        final int gaugeValue;

        State(int gaugeValue) {
            this.gaugeValue = gaugeValue;
        }
    }

    private final int threshold;
    private final long openForNanos;
    private final LongSupplier nanoClock;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAt;
    private boolean probeInFlight;

    CircuitBreaker(int threshold, Duration openFor, LongSupplier nanoClock) {
        this.threshold = threshold;
        this.openForNanos = openFor.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The state now (an open breaker whose time is up reads as half-open). */
    synchronized State state() {
        if (state == State.OPEN && nanoClock.getAsLong() - openedAt >= openForNanos) {
            state = State.HALF_OPEN;
            probeInFlight = false;
        }
        return state;
    }

    /** Whether a request could go through now, without taking the half-open probe slot. */
    synchronized boolean admits() {
        State now = state();
        return now == State.CLOSED || now == State.HALF_OPEN && !probeInFlight;
    }

    /** Takes permission for one request: always when closed, once (the probe) when half-open, never when open. */
    synchronized boolean tryAcquire() {
        State now = state();
        if (now == State.CLOSED) {
            return true;
        }
        if (now == State.HALF_OPEN && !probeInFlight) {
            probeInFlight = true;
            return true;
        }
        return false;
    }

    synchronized void onSuccess() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        probeInFlight = false;
    }

    synchronized void onFailure() {
        State now = state();
        // A slow request that started before the breaker opened changes nothing while it is open.
        if (now == State.OPEN) {
            return;
        }
        if (now == State.HALF_OPEN || ++consecutiveFailures >= threshold) {
            state = State.OPEN;
            openedAt = nanoClock.getAsLong();
            probeInFlight = false;
            consecutiveFailures = 0;
        }
    }

    /** A request that ended without a verdict (the caller went away): a half-open probe slot is freed for the next. */
    synchronized void onAbandoned() {
        probeInFlight = false;
    }
}
