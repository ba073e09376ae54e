package dev.llmc.gateway.storage;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Remembers that a dependency (PostgreSQL, Redis) just failed, so that callers skip it for a while instead of each
 * paying its timeout; the first caller after the pause tries again. Transitions are reported so each is logged once.
 */
public final class DownUntil {
    private final long pauseMillis;
    private final LongSupplier clock;
    // 0 while up; otherwise until when to skip the dependency.
    private volatile long until;

    public DownUntil(Duration pause) {
        this(pause, System::currentTimeMillis);
    }

    DownUntil(Duration pause, LongSupplier clock) {
        this.pauseMillis = pause.toMillis();
        this.clock = clock;
    }

    /** Whether to skip the dependency now: it failed less than the pause ago. */
    public boolean skip() {
        long until = this.until;
        return until != 0 && clock.getAsLong() < until;
    }

    /** A call failed: skip the dependency for the pause. True when it was up until now (worth a log line). */
    public boolean failed() {
        boolean wasUp = until == 0;
        until = clock.getAsLong() + pauseMillis;
        return wasUp;
    }

    /** A call succeeded. True when it had been down (worth a log line). */
    public boolean succeeded() {
        boolean wasDown = until != 0;
        until = 0;
        return wasDown;
    }
}
