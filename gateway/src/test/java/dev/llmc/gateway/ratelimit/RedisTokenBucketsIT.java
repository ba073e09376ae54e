package dev.llmc.gateway.ratelimit;

import dev.llmc.gateway.storage.RedisConnections;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Lua token bucket against a real Redis, and the fail-open fallback when that Redis goes away. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisTokenBucketsIT {
    private RedisServer redis;
    private RedisConnections redisConnections;
    private StatefulRedisConnection<String, String> connection;
    private final AtomicLong localClock = new AtomicLong(0);
    private RedisTokenBuckets buckets;

    @BeforeEach
    void startRedis() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
        redis.start();
        redisConnections = new RedisConnections("redis://127.0.0.1:" + port);
        connection = redisConnections.connection().orElseThrow();
        buckets = new RedisTokenBuckets(redisConnections, new LocalTokenBuckets(localClock::get));
    }

    @AfterEach
    void stopRedis() throws IOException {
        redisConnections.close();
        redis.stop();
    }

    private long acquire(String key, Limits limits) {
        return buckets.acquire(key, limits).toCompletableFuture().join();
    }

    @Test
    void refusesTheRequestOverTheLimitWithTheWaitUntilARefill() {
        Limits threePerMinute = new Limits(3, 0);

        assertEquals(0, acquire("k1", threePerMinute));
        assertEquals(0, acquire("k1", threePerMinute));
        assertEquals(0, acquire("k1", threePerMinute));
        long wait = acquire("k1", threePerMinute);

        assertTrue(wait > 19_000 && wait <= 20_000, "one request refills every 20 s, waited " + wait);
        assertTrue(connection.sync().pttl("llmc:rl:k1") > 0, "the bucket expires once it would be full again");
    }

    @Test
    void chargesTokensAndRefusesWhileTheTokenBucketIsNegative() throws InterruptedException {
        Limits tenTokensPerMinute = new Limits(0, 10);

        assertEquals(0, acquire("k2", tenTokensPerMinute));
        // Fire and forget, on the connection the next acquire uses: Lettuce sends a connection's commands in order.
        buckets.charge("k2", tenTokensPerMinute, 14);
        long wait = acquire("k2", tenTokensPerMinute);

        assertTrue(wait > 23_000 && wait <= 24_000, "4 tokens owed at 10 per minute, waited " + wait);
    }

    @Test
    void reservationsAreAdmittedWhileTheBucketIsPositiveAndSettledWithTheUsage() {
        Limits hundredTokensPerMinute = new Limits(0, 100);

        // 100 → 68 → 36 → 4 → −28: the fourth is admitted on 4 tokens left, the fifth finds the bucket negative.
        for (int i = 0; i < 4; i++) {
            assertEquals(0, reserve("k5", hundredTokensPerMinute, 32), "reservation " + (i + 1));
        }
        long refused = reserve("k5", hundredTokensPerMinute, 32);
        assertTrue(refused > 16_700 && refused <= 16_800, "28 tokens owed at 100 per minute, waited " + refused);
        assertEquals(-28, tokensLeft("k5"), 0.2, "a refused reservation takes nothing");

        // Two turns used 10 tokens each, two used 40: refunds of 22 and charges of 8.
        buckets.charge("k5", hundredTokensPerMinute, 10 - 32);
        buckets.charge("k5", hundredTokensPerMinute, 10 - 32);
        buckets.charge("k5", hundredTokensPerMinute, 40 - 32);
        buckets.charge("k5", hundredTokensPerMinute, 40 - 32);
        assertEquals(100 - 10 - 10 - 40 - 40, tokensLeft("k5"), 0.2);
    }

    @Test
    void aRefundNeverFillsTheBucketBeyondItsCapacity() {
        Limits sixtyTokensPerMinute = new Limits(0, 60);
        assertEquals(0, reserve("k6", sixtyTokensPerMinute, 50));

        buckets.charge("k6", sixtyTokensPerMinute, -500);

        assertEquals(60, tokensLeft("k6"), 0.001);
    }

    @Test
    void reservationsFailOpenToThisProcessBucketsWhenRedisIsDown() throws IOException {
        Limits tenTokensPerMinute = new Limits(0, 10);
        redis.stop();

        assertEquals(0, reserve("k7", tenTokensPerMinute, 10), "the local bucket admits the first turn");
        assertEquals(1, reserve("k7", tenTokensPerMinute, 10), "and refuses the next on an empty bucket");
        buckets.charge("k7", tenTokensPerMinute, 4 - 10);
        assertEquals(0, reserve("k7", tenTokensPerMinute, 10), "the settlement refunded 6 tokens locally");
    }

    private long reserve(String key, Limits limits, long tokens) {
        return buckets.reserve(key, limits, tokens).toCompletableFuture().join();
    }

    /** The token bucket's level as Redis holds it (before refill since its last update). */
    private double tokensLeft(String key) {
        return Double.parseDouble(connection.sync().hget("llmc:rl:" + key, "t"));
    }

    @Test
    void reloadsTheScriptAfterRedisForgotIt() {
        Limits onePerMinute = new Limits(1, 0);
        assertEquals(0, acquire("k3", onePerMinute));
        connection.sync().scriptFlush();

        assertTrue(acquire("k3", onePerMinute) > 0, "still counted in Redis after SCRIPT FLUSH");
    }

    @Test
    void failsOpenToThisProcessBucketsWhenRedisIsDown() throws IOException {
        Limits onePerMinute = new Limits(1, 0);
        redis.stop();

        long start = System.nanoTime();
        assertEquals(0, acquire("k4", onePerMinute), "the local bucket allows the first request");
        assertTrue(acquire("k4", onePerMinute) > 0, "and still limits the second");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2 * RedisTokenBuckets.TIMEOUT_MS + 500, "gave up on Redis within its timeout, took " + millis + " ms");
    }
}
