package dev.llmc.gateway.ratelimit;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets in this process: right for a single gateway, and the fallback while Redis is unreachable.
 * The arithmetic is the same as {@code ratelimit/token-bucket.lua}: refill x ← min(limit, x + Δt·limit/60 s), a
 * request needs r ≥ 1 and tokens t > 0, a reservation needs t > 0, and the wait is the time until that holds.
 */
final class LocalTokenBuckets implements TokenBuckets {
    private static final double MILLIS_PER_MINUTE = 60_000;
    private final Map<String, State> buckets = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;

    LocalTokenBuckets(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** One key's buckets: requests and tokens left, and when they were last refilled. */
    private record State(double requests, double tokens, long refilledAt) {
    }

    @Override
    public CompletionStage<Long> acquire(String keyId, Limits limits) {
        return CompletableFuture.completedFuture(take(keyId, limits, 1, 0));
    }

    @Override
    public CompletionStage<Long> reserve(String keyId, Limits limits, long tokens) {
        return CompletableFuture.completedFuture(take(keyId, limits, 0, tokens));
    }

    /** Takes {@code requests} and {@code tokens} together if the buckets allow it; returns 0, else the wait in ms. */
    private long take(String keyId, Limits limits, long requests, long tokens) {
        long[] wait = new long[1];
        buckets.compute(keyId, (key, previous) -> {
            State state = refill(previous, limits);
            if (requests > 0 && limits.requestsPerMinute() > 0 && state.requests() < requests) {
                // Less a nanosecond: refills are fractions, and 20000.000000004 ms should not round up to 20001.
                wait[0] = (long) Math.ceil((requests - state.requests()) * MILLIS_PER_MINUTE / limits.requestsPerMinute() - 1e-6);
            }
            if (limits.tokensPerMinute() > 0 && state.tokens() <= 0) {
                long untilPositive = Math.max(1, (long) Math.ceil(-state.tokens() * MILLIS_PER_MINUTE / limits.tokensPerMinute() - 1e-6));
                wait[0] = Math.max(wait[0], untilPositive);
            }
            if (wait[0] > 0) {
                return state;
            }
            return new State(limits.requestsPerMinute() > 0 ? state.requests() - requests : state.requests(),
                    limits.tokensPerMinute() > 0 ? state.tokens() - tokens : state.tokens(), state.refilledAt());
        });
        return wait[0];
    }

    @Override
    public void charge(String keyId, Limits limits, long tokens) {
        if (limits.tokensPerMinute() == 0) {
            return;
        }
        buckets.compute(keyId, (key, previous) -> {
            State state = refill(previous, limits);
            return new State(state.requests(), Math.min(limits.tokensPerMinute(), state.tokens() - tokens), state.refilledAt());
        });
    }

    private State refill(State previous, Limits limits) {
        long now = clockMillis.getAsLong();
        if (previous == null) {
            return new State(limits.requestsPerMinute(), limits.tokensPerMinute(), now);
        }
        long elapsed = Math.max(0, now - previous.refilledAt());
        return new State(refilled(previous.requests(), limits.requestsPerMinute(), elapsed),
                refilled(previous.tokens(), limits.tokensPerMinute(), elapsed), now);
    }

    private static double refilled(double left, long perMinute, long elapsedMillis) {
        return perMinute == 0 ? left : Math.min(perMinute, left + elapsedMillis * perMinute / MILLIS_PER_MINUTE);
    }
}
