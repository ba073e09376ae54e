package dev.llmc.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Stores experts exactly as given; the rules live in {@link ExpertCatalog}. */
public interface ExpertRegistry {

    /** Stores the expert and its nodes together; throws {@link DuplicateExpertException} when the name is taken. */
    void insert(Expert expert);

    /** All experts, oldest first (then by name). */
    List<Expert> findAll();

    Optional<Expert> findById(String id);

    /** Replaces the expert's description, θ, status, nodes and update time; returns whether it exists. */
    boolean update(Expert expert);

    /** Experts whose θ another encoder computed (its embedding space differs from this registry's encoder). */
    List<Expert> findEmbeddedByAnotherEncoder();

    /** Replaces θ alone, now recorded as this registry's encoder's; returns whether the expert exists. */
    boolean replaceTheta(String id, float[] theta);

    /** Sets the status only if it is still {@code from} (so concurrent replicas cannot undo a pause); returns whether it changed. */
    boolean changeStatus(String id, ExpertStatus from, ExpertStatus to, Instant at);
}
