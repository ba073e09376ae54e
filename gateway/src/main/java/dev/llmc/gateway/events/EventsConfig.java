package dev.llmc.gateway.events;

import dev.llmc.gateway.config.StartupRefusedException;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * The event log ({@code llmc.events.*}): exposures and signals are queued in memory and written to PostgreSQL in
 * batches of {@code batch-size} at least every {@code flush-interval}; while PostgreSQL is unreachable batches wait
 * in Redis, or in {@code spool-dir} on local disk when Redis is also down, and are retried every {@code retry-interval}.
 * With {@code enabled: false} nothing is logged (routing-only deployments, and measuring what logging costs).
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc.events")
public record EventsConfig(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "2000") int batchSize,
        @Bindable(defaultValue = "100ms") Duration flushInterval,
        @Bindable(defaultValue = "200000") int queueCapacity,
        @Nullable String spoolDir,
        @Bindable(defaultValue = "1s") Duration retryInterval,
        @Bindable(defaultValue = "1d") Duration indexTtl) {

    public EventsConfig {
        if (batchSize < 1 || batchSize > 100_000) {
            throw new StartupRefusedException("llmc.events.batch-size must be between 1 and 100000, was " + batchSize);
        }
        if (queueCapacity < batchSize) {
            throw new StartupRefusedException("llmc.events.queue-capacity must be at least llmc.events.batch-size");
        }
        if (flushInterval.isNegative() || flushInterval.isZero() || retryInterval.isNegative() || retryInterval.isZero()) {
            throw new StartupRefusedException("llmc.events.flush-interval and retry-interval must be positive");
        }
    }
}
