package dev.llmc.gateway.ratelimit;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LocalTokenBucketsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LocalTokenBuckets buckets = new LocalTokenBuckets(now::get);

    private long acquire(Limits limits) {
        return buckets.acquire("key", limits).toCompletableFuture().join();
    }

    @Test
    void refusesTheRequestOverTheLimitUntilATokenHasRefilled() {
        Limits twoPerMinute = new Limits(2, 0);

        assertEquals(0, acquire(twoPerMinute));
        assertEquals(0, acquire(twoPerMinute));
        assertEquals(30_000, acquire(twoPerMinute), "one request refills every 30 s");
        now.addAndGet(10_000);
        assertEquals(20_000, acquire(twoPerMinute), "a refused request takes nothing");
        now.addAndGet(20_000);
        assertEquals(0, acquire(twoPerMinute));
    }

    @Test
    void refusesWhileTheTokenBucketIsNegativeAfterALargeReply() {
        Limits sixtyTokensPerMinute = new Limits(0, 60);

        assertEquals(0, acquire(sixtyTokensPerMinute));
        buckets.charge("key", sixtyTokensPerMinute, 100);
        assertEquals(40_000, acquire(sixtyTokensPerMinute), "40 tokens owed at one per second");
        now.addAndGet(40_000);
        assertEquals(1, acquire(sixtyTokensPerMinute), "an empty bucket is not enough: a request needs tokens left");
        now.addAndGet(1);
        assertEquals(0, acquire(sixtyTokensPerMinute));
    }

    private long reserve(Limits limits, long tokens) {
        return buckets.reserve("key", limits, tokens).toCompletableFuture().join();
    }

    @Test
    void reservationsAreAdmittedWhileTheBucketIsPositiveSoConcurrentTurnsOverdrawByLessThanOne() {
        Limits hundredTokensPerMinute = new Limits(0, 100);

        // 100 → 68 → 36 → 4 → −28: the fourth is admitted on 4 tokens left, the fifth finds the bucket negative.
        for (int i = 0; i < 4; i++) {
            assertEquals(0, reserve(hundredTokensPerMinute, 32), "reservation " + (i + 1));
        }
        assertEquals(16_800, reserve(hundredTokensPerMinute, 32), "28 tokens owed at 100 per minute");
        assertEquals(16_800, acquire(hundredTokensPerMinute), "a refused reservation takes nothing, and requests wait too");
    }

    @Test
    void settlingChargesTheUsageInPlaceOfTheReservation() {
        Limits sixtyTokensPerMinute = new Limits(0, 60);

        assertEquals(0, reserve(sixtyTokensPerMinute, 50));
        buckets.charge("key", sixtyTokensPerMinute, 14 - 50);
        assertEquals(0, reserve(sixtyTokensPerMinute, 50), "46 tokens left after a 14-token turn");
        buckets.charge("key", sixtyTokensPerMinute, 80 - 50);
        assertEquals(34_000, reserve(sixtyTokensPerMinute, 50), "46 − 80 = −34 tokens at one per second");
    }

    @Test
    void aRefundNeverFillsTheBucketBeyondItsCapacity() {
        Limits sixtyTokensPerMinute = new Limits(0, 60);
        assertEquals(0, reserve(sixtyTokensPerMinute, 60));
        // The turn streamed for a minute: the bucket refilled while the reservation was out.
        now.addAndGet(60_000);
        buckets.charge("key", sixtyTokensPerMinute, 10 - 60);

        assertEquals(0, reserve(sixtyTokensPerMinute, 60), "full again: 60, not 110");
        assertEquals(1, reserve(sixtyTokensPerMinute, 1), "and empty after one full reservation");
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        Limits onePerMinute = new Limits(1, 0);

        assertEquals(0, acquire(onePerMinute));
        assertEquals(0, buckets.acquire("other", onePerMinute).toCompletableFuture().join());
    }

    @Test
    void idleTimeRefillsNoFurtherThanTheLimit() {
        Limits twoPerMinute = new Limits(2, 0);
        acquire(twoPerMinute);
        now.addAndGet(3_600_000);

        assertEquals(0, acquire(twoPerMinute));
        assertEquals(0, acquire(twoPerMinute));
        assertEquals(30_000, acquire(twoPerMinute));
    }
}
