package dev.llmc.gateway.proxy;

import dev.llmc.gateway.proxy.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The breaker's state machine on a clock the test moves: closed → open → half-open → closed or open again. */
class CircuitBreakerTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), now::get);

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertTrue(breaker.tryAcquire());
            breaker.onFailure();
        }
    }

    @Test
    void opensAfterThresholdConsecutiveFailures() {
        fail(2);
        assertEquals(State.CLOSED, breaker.state());

        fail(1);

        assertEquals(State.OPEN, breaker.state());
        assertFalse(breaker.admits());
        assertFalse(breaker.tryAcquire());
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        fail(2);
        assertTrue(breaker.tryAcquire());
        breaker.onSuccess();

        fail(2);

        assertEquals(State.CLOSED, breaker.state());
    }

    @Test
    void becomesHalfOpenWhenTheOpenDurationIsUpAndLetsOneProbeThrough() {
        fail(3);
        advance(Duration.ofSeconds(9));
        assertEquals(State.OPEN, breaker.state());

        advance(Duration.ofSeconds(1));

        assertEquals(State.HALF_OPEN, breaker.state());
        assertTrue(breaker.admits());
        assertTrue(breaker.tryAcquire(), "the probe");
        assertFalse(breaker.admits());
        assertFalse(breaker.tryAcquire(), "no second request while the probe is out");
    }

    @Test
    void aSuccessfulProbeClosesTheBreaker() {
        fail(3);
        advance(Duration.ofSeconds(10));
        assertTrue(breaker.tryAcquire());

        breaker.onSuccess();

        assertEquals(State.CLOSED, breaker.state());
        assertTrue(breaker.tryAcquire());
        assertTrue(breaker.tryAcquire());
    }

    @Test
    void aFailedProbeReopensForAnotherFullOpenDuration() {
        fail(3);
        advance(Duration.ofSeconds(10));
        assertTrue(breaker.tryAcquire());

        breaker.onFailure();

        assertEquals(State.OPEN, breaker.state());
        advance(Duration.ofSeconds(9));
        assertEquals(State.OPEN, breaker.state());
        advance(Duration.ofSeconds(1));
        assertEquals(State.HALF_OPEN, breaker.state());
    }

    @Test
    void anAbandonedProbeFreesTheSlotForTheNextRequest() {
        fail(3);
        advance(Duration.ofSeconds(10));
        assertTrue(breaker.tryAcquire());

        breaker.onAbandoned();

        assertEquals(State.HALF_OPEN, breaker.state());
        assertTrue(breaker.tryAcquire());
    }

    @Test
    void lateFailuresWhileOpenDoNotExtendIt() {
        fail(3);
        advance(Duration.ofSeconds(5));

        breaker.onFailure();
        advance(Duration.ofSeconds(5));

        assertEquals(State.HALF_OPEN, breaker.state());
    }
}
