package dev.llmc.gateway.storage;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DownUntilTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final DownUntil down = new DownUntil(Duration.ofMillis(500), now::get);

    @Test
    void aFailureSkipsTheDependencyForThePauseThenLetsOneCallTryAgain() {
        assertFalse(down.skip());
        assertTrue(down.failed(), "first failure is a transition");
        assertTrue(down.skip());
        now.addAndGet(499);
        assertTrue(down.skip());
        now.addAndGet(1);
        assertFalse(down.skip(), "the pause is over: try again");
    }

    @Test
    void reportsEachTransitionOnce() {
        assertFalse(down.succeeded(), "up and still up");
        assertTrue(down.failed());
        now.addAndGet(600);
        assertFalse(down.failed(), "still down after the retry");
        assertTrue(down.succeeded(), "back");
        assertFalse(down.succeeded());
    }
}
