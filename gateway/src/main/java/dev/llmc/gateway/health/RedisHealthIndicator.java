package dev.llmc.gateway.health;

import dev.llmc.gateway.storage.RedisConnections;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether Redis answers a PING (or that none is configured: single-replica mode), as a detail of
 * {@code /admin/health}. Always UP: the gateway serves on in-process fallbacks while Redis is away, so a blink of it
 * must not take a replica out of its Service. Alert on {@code reachable: false} instead.
 */
@Singleton
final class RedisHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private static final long PING_TIMEOUT_MS = 1000;
    private final RedisConnections redis;

    RedisHealthIndicator(RedisConnections redis) {
        this.redis = redis;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        healthStatus = HealthStatus.UP;
        if (!redis.configured()) {
            return Map.of("mode", "not configured: single replica, in-process state");
        }
        try {
            // Not the connection's one-minute command timeout: a health check must answer while Redis is away.
            String pong = redis.async().ping().get(PING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return Map.of("reachable", "PONG".equals(pong));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of("reachable", false, "error", "interrupted");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Map.of("reachable", false, "error", String.valueOf(e));
        }
    }

    @Override
    protected String getName() {
        return "redis";
    }
}
