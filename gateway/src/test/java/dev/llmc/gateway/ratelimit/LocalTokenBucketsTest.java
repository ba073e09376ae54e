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
