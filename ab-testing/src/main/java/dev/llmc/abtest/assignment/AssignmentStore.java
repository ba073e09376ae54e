package dev.llmc.abtest.assignment;

import java.util.Optional;

/** Remembers the arm each unit first got, so that later weight changes do not move it; shared by replicas when it can be. */
public interface AssignmentStore {

    Optional<String> get(String experimentId, String unitId);

    /** Stores {@code arm} unless the unit already has one; returns the arm that holds afterwards. */
    String putIfAbsent(String experimentId, String unitId, String arm);
}
