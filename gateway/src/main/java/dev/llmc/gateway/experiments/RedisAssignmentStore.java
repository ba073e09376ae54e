package dev.llmc.gateway.experiments;

import dev.llmc.abtest.assignment.AssignmentStore;
import dev.llmc.gateway.storage.RedisConnections;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Assignments in one Redis hash per experiment ({@code llmc:assign:<id>}: unit → arm), so every replica and every
 * restart sees the arm a unit first got; HSETNX keeps the first writer's arm when two replicas race.
 */
final class RedisAssignmentStore implements AssignmentStore {
    private static final long TIMEOUT_MS = 500;
    private final RedisConnections redis;

    RedisAssignmentStore(RedisConnections redis) {
        this.redis = redis;
    }

    @Override
    public Optional<String> get(String experimentId, String unitId) {
        try {
            return Optional.ofNullable(redis.async().hget(key(experimentId), unitId).get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            throw new AssignmentStoreUnavailableException(e);
        }
    }

    @Override
    public String putIfAbsent(String experimentId, String unitId, String arm) {
        try {
            var async = redis.async();
            if (Boolean.TRUE.equals(async.hsetnx(key(experimentId), unitId, arm).get(TIMEOUT_MS, TimeUnit.MILLISECONDS))) {
                return arm;
            }
            String existing = async.hget(key(experimentId), unitId).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return existing == null ? arm : existing;
        } catch (Exception e) {
            throw new AssignmentStoreUnavailableException(e);
        }
    }

    private static String key(String experimentId) {
        return "llmc:assign:" + experimentId;
    }

    /** Redis did not answer in time; the caller falls back to the deterministic hash. */
    static final class AssignmentStoreUnavailableException extends RuntimeException {
        AssignmentStoreUnavailableException(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }
}
