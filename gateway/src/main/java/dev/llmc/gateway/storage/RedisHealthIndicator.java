package dev.llmc.gateway.storage;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import java.util.Map;

/** Reports whether Redis answers a PING, or that none is configured (single-replica mode). */
@Singleton
final class RedisHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final RedisConnections redis;

    RedisHealthIndicator(RedisConnections redis) {
        this.redis = redis;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        if (redis.connection().isEmpty()) {
            healthStatus = HealthStatus.UP;
            return Map.of("mode", "not configured: single replica, in-process state");
        }
        try {
            String pong = redis.connection().get().sync().ping();
            healthStatus = "PONG".equals(pong) ? HealthStatus.UP : HealthStatus.DOWN;
            return Map.of("ping", pong);
        } catch (RuntimeException e) {
            healthStatus = HealthStatus.DOWN;
            return Map.of("error", String.valueOf(e.getMessage()));
        }
    }

    @Override
    protected String getName() {
        return "redis";
    }
}
