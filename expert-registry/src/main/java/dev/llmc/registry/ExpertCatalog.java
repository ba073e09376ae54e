package dev.llmc.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The registry's service: rules, ids and clock for writes, and the in-memory snapshot of active experts the router reads. */
public final class ExpertCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ExpertCatalog.class);
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int ID_LENGTH = 20;

    private final ExpertRegistry registry;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(new Snapshot(List.of(), Map.of()));
    // Serialises refreshes so that a slow, older read can never overwrite a newer snapshot. A lock rather
    // than synchronized: callers may be virtual threads, which synchronized pins during JDBC I/O on Java 21.
    private final ReentrantLock refreshLock = new ReentrantLock();

    public ExpertCatalog(ExpertRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Validates the draft and stores it as an active expert with feature vector {@code theta}. */
    public Expert register(ExpertDraft draft, String owner, float[] theta) {
        if (theta == null || theta.length == 0) {
            throw new IllegalArgumentException("theta must be a non-empty vector");
        }
        Objects.requireNonNull(owner, "owner");
        ExpertDraft valid = ExpertDraftValidator.validate(draft);
        // PostgreSQL keeps microseconds; truncating here makes the returned expert equal the stored one.
        Expert expert = new Expert(newId(), valid.name(), valid.description(), owner, ExpertStatus.ACTIVE,
                theta.clone(), valid.nodes(), clock.instant().truncatedTo(ChronoUnit.MICROS));
        registry.insert(expert);
        refreshAfterWrite();
        return expert;
    }

    /** All experts from the database, oldest first. */
    public List<Expert> list() {
        return registry.findAll();
    }

    public Expert get(String id) {
        return registry.findById(id).orElseThrow(() -> new ExpertNotFoundException(id));
    }

    /** Deletes the expert and its nodes for good. */
    public void remove(String id) {
        if (!registry.deleteById(id)) {
            throw new ExpertNotFoundException(id);
        }
        refreshAfterWrite();
    }

    /** Reloads the snapshot from the database; on failure the previous snapshot stays in place. */
    public void refresh() {
        refreshLock.lock();
        try {
            List<Expert> active = registry.findAll().stream()
                    .filter(expert -> expert.status() == ExpertStatus.ACTIVE)
                    .toList();
            snapshot.set(new Snapshot(active,
                    active.stream().collect(Collectors.toUnmodifiableMap(Expert::name, Function.identity()))));
        } catch (RegistryUnavailableException e) {
            LOG.warn("expert snapshot not refreshed, keeping the previous one ({} experts): {}",
                    snapshot.get().active().size(), e.getMessage());
            throw e;
        } finally {
            refreshLock.unlock();
        }
    }

    /** Active experts as of the last refresh; never touches the database. */
    public List<Expert> active() {
        return snapshot.get().active();
    }

    /** The active expert with this name as of the last refresh; never touches the database. */
    public Optional<Expert> activeByName(String name) {
        // Immutable maps reject null keys; a request without a model name simply matches nothing.
        return name == null ? Optional.empty() : Optional.ofNullable(snapshot.get().byName().get(name));
    }

    private void refreshAfterWrite() {
        try {
            refresh();
        } catch (RegistryUnavailableException e) {
            // The write itself succeeded (and refresh() logged); the periodic refresh will catch up.
        }
    }

    private String newId() {
        StringBuilder id = new StringBuilder("exp_");
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    private record Snapshot(List<Expert> active, Map<String, Expert> byName) {
    }
}
