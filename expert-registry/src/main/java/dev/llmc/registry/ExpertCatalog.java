package dev.llmc.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/** The registry's service: rules, ids and clock for writes, and the in-memory snapshot of experts the router and health checks read. */
public final class ExpertCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ExpertCatalog.class);
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int ID_LENGTH = 20;
    private static final long NEVER_LOADED = Long.MIN_VALUE;

    private final ExpertRegistry registry;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(new Snapshot(NEVER_LOADED, List.of(), ActiveExperts.NONE));
    // Serialises refreshes so that a slow, older read can never overwrite a newer snapshot. A lock rather
    // than synchronized: callers may be virtual threads, which synchronized pins during JDBC I/O on Java 21.
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();

    public ExpertCatalog(ExpertRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Re-embeds the description of every expert whose θ another encoder computed (after {@code llmc.encoder.model}
     * changed) and refreshes the snapshot; returns how many were re-embedded. Content θ of two encoders never mix.
     */
    public int reembedDescriptions(Function<String, float[]> embedDescription) {
        List<Expert> stale = registry.findEmbeddedByAnotherEncoder();
        for (Expert expert : stale) {
            float[] theta = embedDescription.apply(expert.description());
            requireTheta(theta);
            registry.replaceTheta(expert.id(), theta);
        }
        if (!stale.isEmpty()) {
            LOG.info("registry: re-embedded the descriptions of {} expert(s) computed by another encoder", stale.size());
            refresh();
        }
        return stale.size();
    }

    /** Validates the draft and stores it as a pending expert with feature vector {@code theta}; a passed health check activates it. */
    public Expert register(ExpertDraft draft, String owner, float[] theta) {
        return registerAll(List.of(draft), owner, Collections.singletonList(theta)).getFirst();
    }

    /**
     * Validates the drafts and stores them all or none as pending experts, {@code thetas} in the same order, with one
     * snapshot update for the whole batch. A draft breaking a rule names itself: {@code experts[i].name}, …
     */
    public List<Expert> registerAll(List<ExpertDraft> drafts, String owner, List<float[]> thetas) {
        Objects.requireNonNull(owner, "owner");
        if (drafts.size() != thetas.size()) {
            throw new IllegalArgumentException(drafts.size() + " drafts but " + thetas.size() + " θ");
        }
        thetas.forEach(ExpertCatalog::requireTheta);
        List<ExpertDraft> valid = ExpertDraftValidator.validateAll(drafts);
        // PostgreSQL keeps microseconds; truncating here makes the returned expert equal the stored one.
        Instant now = now();
        List<Expert> experts = new ArrayList<>(valid.size());
        for (int i = 0; i < valid.size(); i++) {
            ExpertDraft draft = valid.get(i);
            experts.add(new Expert(newId(), draft.name(), draft.description(), owner, ExpertStatus.PENDING,
                    thetas.get(i).clone(), draft.nodes(), now));
        }
        registry.insertAll(experts);
        refreshAfterWrite();
        return experts;
    }

    /** All experts from the database (retired ones included), oldest first. */
    public List<Expert> list() {
        return registry.findAll();
    }

    /** How many of the owner's experts are not retired, from the database (every replica's registrations). */
    public long countNotRetired(String owner) {
        return registry.countNotRetired(owner);
    }

    public Expert get(String id) {
        return registry.findById(id).orElseThrow(() -> new ExpertNotFoundException(id));
    }

    /**
     * Applies a change; {@code theta} is the new feature vector when the description changed (null keeps θ).
     * Retired experts cannot change; pending ones become active only through a health check.
     */
    public Expert update(String id, ExpertPatch patch, float[] theta) {
        Expert current = get(id);
        ExpertPatch valid = ExpertDraftValidator.validate(patch, current.name());
        if (valid.description() != null) {
            requireTheta(theta);
        }
        if (current.status() == ExpertStatus.RETIRED) {
            throw new InvalidStatusChangeException("expert '" + current.name() + "' is retired and can no longer change");
        }
        ExpertStatus status = valid.status() == null ? current.status() : nextStatus(current.status(), valid.status());
        Expert updated = new Expert(current.id(), current.name(),
                valid.description() == null ? current.description() : valid.description(), current.owner(), status,
                valid.description() == null ? current.theta() : theta.clone(),
                valid.nodes() == null ? current.nodes() : valid.nodes(), current.createdAt(), now());
        if (!registry.update(updated)) {
            throw new ExpertNotFoundException(id);
        }
        refreshAfterWrite();
        return updated;
    }

    /** Retires the expert: no more routing, its row and history stay for statistics; retiring twice is a no-op. */
    public Expert retire(String id) {
        Expert current = get(id);
        if (current.status() == ExpertStatus.RETIRED) {
            return current;
        }
        return update(id, new ExpertPatch(null, null, ExpertStatus.RETIRED), null);
    }

    /** A node of this pending expert passed a health check: it becomes active. Returns whether it changed. */
    public boolean markHealthy(String id) {
        return !markHealthy(List.of(id)).isEmpty();
    }

    /**
     * A node of each of these pending experts passed a health check: they become active, in one statement and one
     * snapshot update. Returns the ids that changed (those still pending).
     */
    public Set<String> markHealthy(Collection<String> ids) {
        Set<String> changed = registry.changeStatus(ids, ExpertStatus.PENDING, ExpertStatus.ACTIVE, now());
        if (!changed.isEmpty()) {
            refreshAfterWrite();
        }
        return changed;
    }

    private static ExpertStatus nextStatus(ExpertStatus from, ExpertStatus to) {
        if (to == ExpertStatus.PENDING) {
            throw new InvalidStatusChangeException("status 'pending' cannot be set; use 'paused' to stop routing");
        }
        if (to == ExpertStatus.ACTIVE && from == ExpertStatus.PENDING) {
            throw new InvalidStatusChangeException(
                    "a pending expert becomes active by itself once one of its nodes passes a health check");
        }
        return to;
    }

    private static void requireTheta(float[] theta) {
        if (theta == null || theta.length == 0) {
            throw new IllegalArgumentException("theta must be a non-empty vector");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Brings the snapshot up to the registry's version: nothing when it is the snapshot's (nothing committed since), else
     * the experts changed since the snapshot's version applied to it (one read of those rows), or a reload of every
     * expert the first time and after experts were removed from the database. On failure the previous snapshot stays.
     */
    public void refresh() {
        refreshLock.lock();
        try {
            // Read before the experts: a change committed in between makes the next refresh read it again.
            long version = registry.version();
            Snapshot current = snapshot.get();
            if (version == current.version()) {
                return;
            }
            Optional<List<Expert>> changed = current.version() == NEVER_LOADED ? Optional.empty()
                    : registry.findChangedSince(current.version());
            if (changed.isPresent()) {
                snapshot.set(current.with(version, changed.get()));
                updates.incrementAndGet();
            } else {
                snapshot.set(Snapshot.of(version, registry.findAll().stream()
                        .filter(expert -> expert.status() != ExpertStatus.RETIRED).toList()));
                reloads.incrementAndGet();
            }
        } catch (RegistryUnavailableException e) {
            LOG.warn("expert snapshot not refreshed, keeping the previous one ({} experts): {}",
                    snapshot.get().active().list().size(), e.getMessage());
            throw e;
        } finally {
            refreshLock.unlock();
        }
    }

    /** How many times the snapshot was reloaded from the database reading every expert. */
    public long reloads() {
        return reloads.get();
    }

    /** How many times the snapshot was brought up to date reading only the experts that changed. */
    public long updates() {
        return updates.get();
    }

    /** Experts that are not retired (pending, active, paused) as of the last refresh: what health checks probe. */
    public List<Expert> live() {
        return snapshot.get().live();
    }

    /** Active experts as of the last refresh, oldest first; never touches the database. */
    public List<Expert> active() {
        return snapshot.get().active().list();
    }

    /** Active experts as of the last refresh, with their lookups by id and name; never touches the database. */
    public ActiveExperts activeExperts() {
        return snapshot.get().active();
    }

    /** The active expert with this name as of the last refresh; never touches the database. */
    public Optional<Expert> activeByName(String name) {
        return Optional.ofNullable(snapshot.get().active().byName(name));
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

    private record Snapshot(long version, List<Expert> live, ActiveExperts active) {
        /** Creation order, as the database lists them; a batch shares one creation time and keeps its order. */
        private static final Comparator<Expert> OLDEST_FIRST = Comparator.comparing(Expert::createdAt);

        static Snapshot of(long version, List<Expert> live) {
            return new Snapshot(version, List.copyOf(live),
                    new ActiveExperts(live.stream().filter(expert -> expert.status() == ExpertStatus.ACTIVE).toList()));
        }

        /** This snapshot with the changed experts in place (retired ones out, new ones in creation order). */
        Snapshot with(long version, List<Expert> changed) {
            Map<String, Expert> pending = LinkedHashMap.newLinkedHashMap(changed.size());
            changed.forEach(expert -> pending.put(expert.id(), expert));
            List<Expert> next = new ArrayList<>(live.size() + changed.size());
            for (Expert expert : live) {
                Expert update = pending.remove(expert.id());
                if (update == null) {
                    next.add(expert);
                } else if (update.status() != ExpertStatus.RETIRED) {
                    next.add(update);
                }
            }
            boolean added = false;
            for (Expert expert : pending.values()) {
                if (expert.status() != ExpertStatus.RETIRED) {
                    next.add(expert);
                    added = true;
                }
            }
            if (added) {
                next.sort(OLDEST_FIRST);  // stable: only the experts just added move
            }
            return of(version, next);
        }
    }
}
