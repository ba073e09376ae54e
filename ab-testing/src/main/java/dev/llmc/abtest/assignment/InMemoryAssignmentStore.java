package dev.llmc.abtest.assignment;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Assignments in this process only: correct for a single replica (no Redis configured), lost on restart. */
public final class InMemoryAssignmentStore implements AssignmentStore {
    private final ConcurrentHashMap<String, String> arms = new ConcurrentHashMap<>();

    @Override
    public Optional<String> get(String experimentId, String unitId) {
        return Optional.ofNullable(arms.get(experimentId + "\u0000" + unitId));
    }

    @Override
    public String putIfAbsent(String experimentId, String unitId, String arm) {
        String previous = arms.putIfAbsent(experimentId + "\u0000" + unitId, arm);
        return previous == null ? arm : previous;
    }
}
