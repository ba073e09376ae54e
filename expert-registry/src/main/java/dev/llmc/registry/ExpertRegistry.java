package dev.llmc.registry;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Stores experts exactly as given; the rules live in {@link ExpertCatalog}. */
public interface ExpertRegistry {

    /** Stores the expert and its nodes together; throws {@link DuplicateExpertException} when the name is taken. */
    void insert(Expert expert);

    /**
     * Stores the experts and their nodes in one transaction (one change notification for all): all or none; throws
     * {@link DuplicateExpertException} when a name is taken.
     */
    void insertAll(List<Expert> experts);

    /** A number that changes with every committed change to the experts or their nodes. */
    long version();

    /** All experts, oldest first (then by name). */
    List<Expert> findAll();

    /**
     * The experts inserted or updated after registry version {@code since} (some of a later version too), oldest first;
     * empty when experts were removed since, which only {@link #findAll} can show.
     */
    Optional<List<Expert>> findChangedSince(long since);

    Optional<Expert> findById(String id);

    /** How many of the owner's experts are not retired. */
    long countNotRetired(String owner);

    /** Replaces the expert's description, θ, status, nodes and update time; returns whether it exists. */
    boolean update(Expert expert);

    /** Experts whose θ another encoder computed (its embedding space differs from this registry's encoder). */
    List<Expert> findEmbeddedByAnotherEncoder();

    /** Replaces θ alone, now recorded as this registry's encoder's; returns whether the expert exists. */
    boolean replaceTheta(String id, float[] theta);

    /**
     * Sets the status of each expert still {@code from} (so concurrent replicas cannot undo a pause), in one statement;
     * returns the ids it changed.
     */
    Set<String> changeStatus(Collection<String> ids, ExpertStatus from, ExpertStatus to, Instant at);
}
