package dev.llmc.registry;

import java.util.List;
import java.util.Optional;

/** Stores experts exactly as given; the rules live in {@link ExpertCatalog}. */
public interface ExpertRegistry {

    /** Stores the expert and its nodes together; throws {@link DuplicateExpertException} when the name is taken. */
    void insert(Expert expert);

    /** All experts, oldest first (then by name). */
    List<Expert> findAll();

    Optional<Expert> findById(String id);

    /** Returns whether an expert was deleted. */
    boolean deleteById(String id);
}
