package dev.llmc.gateway.ratelimit;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import dev.llmc.gateway.storage.RedisConnections;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token buckets in Redis, one Lua script call per request, reservation or settlement, so each check and its update are
 * atomic and the limit holds across gateway replicas. When Redis does not answer within {@value #TIMEOUT_MS} ms the request is judged by this
 * replica's own buckets instead (fail open, with a WARN at most every {@value #WARN_EVERY_MS} ms): an outage of the
 * limiter's store should not take the API down, and each replica still enforces the limit on its own traffic.
 */
final class RedisTokenBuckets implements TokenBuckets {
    private static final Logger LOG = LoggerFactory.getLogger(RedisTokenBuckets.class);
    static final long TIMEOUT_MS = 200;
    private static final long WARN_EVERY_MS = 60_000;
    private static final String SCRIPT = script();
    private static final String SHA = sha1(SCRIPT);
    private final RedisConnections redis;
    private final TokenBuckets fallback;
    private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE / 2);

    RedisTokenBuckets(RedisConnections redis, TokenBuckets fallback) {
        this.redis = redis;
        this.fallback = fallback;
    }

    @Override
    public CompletionStage<Long> acquire(String keyId, Limits limits) {
        return run(keyId, limits, 1, 0, 0).exceptionallyCompose(error -> {
            warn(error);
            return fallback.acquire(keyId, limits);
        });
    }

    @Override
    public CompletionStage<Long> reserve(String keyId, Limits limits, long tokens) {
        return run(keyId, limits, 0, tokens, 0).exceptionallyCompose(error -> {
            warn(error);
            return fallback.reserve(keyId, limits, tokens);
        });
    }

    /**
     * Fire and forget. A turn reserved in Redis and settled here while Redis is away (or the other way round) leaves
     * its reservation in the store it was taken from, until the bucket refills: at most a minute of one reservation.
     */
    @Override
    public void charge(String keyId, Limits limits, long tokens) {
        if (limits.tokensPerMinute() == 0) {
            return;
        }
        run(keyId, limits, 0, 0, tokens).exceptionally(error -> {
            warn(error);
            fallback.charge(keyId, limits, tokens);
            return 0L;
        });
    }

    private CompletableFuture<Long> run(String keyId, Limits limits, long take, long reserve, long charge) {
        String[] keys = {"llmc:rl:" + keyId};
        String[] args = {Long.toString(limits.requestsPerMinute()), Long.toString(limits.tokensPerMinute()),
                Long.toString(take), Long.toString(reserve), Long.toString(charge)};
        RedisAsyncCommands<String, String> commands;
        try {
            commands = redis.async();
        } catch (RuntimeException notConnected) {
            return CompletableFuture.failedFuture(notConnected);
        }
        CompletionStage<Long> evaluated = commands.<Long>evalsha(SHA, ScriptOutputType.INTEGER, keys, args)
                // After a Redis restart the script cache is empty: EVAL sends the script and caches it again.
                .exceptionallyCompose(error -> unwrap(error) instanceof RedisNoScriptException
                        ? commands.<Long>eval(SCRIPT, ScriptOutputType.INTEGER, keys, args)
                        : CompletableFuture.failedFuture(error));
        return evaluated.toCompletableFuture().orTimeout(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private void warn(Throwable error) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_MS && lastWarning.compareAndSet(last, now)) {
            Throwable cause = unwrap(error);
            LOG.warn("Redis rate limiting unavailable ({}); limiting with this replica's own buckets until it is back",
                    cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static String script() {
        try (InputStream in = RedisTokenBuckets.class.getResourceAsStream("/ratelimit/token-bucket.lua")) {
            if (in == null) {
                throw new IllegalStateException("ratelimit/token-bucket.lua is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
