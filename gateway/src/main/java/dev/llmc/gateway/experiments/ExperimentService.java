package dev.llmc.gateway.experiments;

import dev.llmc.gateway.versions.ControllerVersionNotFoundException;
import dev.llmc.abtest.assignment.Assigner;
import dev.llmc.abtest.assignment.AssignmentStore;
import dev.llmc.abtest.experiment.Arm;
import dev.llmc.abtest.experiment.Experiment;
import dev.llmc.abtest.experiment.ExperimentDraft;
import dev.llmc.abtest.experiment.ExperimentNotFoundException;
import dev.llmc.abtest.experiment.ExperimentRules;
import dev.llmc.abtest.experiment.ExperimentStateException;
import dev.llmc.abtest.experiment.ExperimentStatus;
import dev.llmc.abtest.experiment.ExperimentStoreUnavailableException;
import dev.llmc.abtest.experiment.ExperimentUnit;
import dev.llmc.abtest.experiment.InvalidExperimentException;
import dev.llmc.abtest.experiment.JdbcExperimentStore;
import dev.llmc.abtest.stats.ExperimentResults;
import dev.llmc.abtest.stats.ExperimentStatistics;
import dev.llmc.abtest.stats.ExperimentTimeline;
import dev.llmc.abtest.stats.JdbcUnitAggregates;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.OwnedId;
import dev.llmc.gateway.versions.ControllerVersions;
import dev.llmc.registry.ExpertCatalog;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Experiments: their life cycle, and the assignment of a request's unit to an arm. The request path reads an
 * in-memory snapshot of the running experiments (reloaded every {@code llmc.routing.registry-refresh} and after
 * every change made here) and the assignment store, never the database.
 */
@Singleton
public final class ExperimentService {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int LOCAL_CACHE_LIMIT = 500_000;
    private final JdbcExperimentStore store;
    private final AssignmentStore assignments;
    private final JdbcUnitAggregates aggregates;
    private final ControllerVersions controllers;
    private final ExpertCatalog catalog;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<List<Experiment>> running = new AtomicReference<>(List.of());
    // Assignments never change while an experiment runs, so a hit here saves a Redis round trip.
    private final Map<String, String> localAssignments = new ConcurrentHashMap<>();

    ExperimentService(JdbcExperimentStore store, AssignmentStore assignments, JdbcUnitAggregates aggregates,
                      ControllerVersions controllers, ExpertCatalog catalog) {
        this.store = store;
        this.assignments = assignments;
        this.aggregates = aggregates;
        this.controllers = controllers;
        this.catalog = catalog;
        reloadRunning();
    }

    public Experiment create(ExperimentDraft draft, String owner) {
        ExperimentRules.Definition definition = ExperimentRules.validate(draft);
        for (int i = 0; i < definition.arms().size(); i++) {
            Arm arm = definition.arms().get(i);
            if (arm.controllerVersion() != null) {
                try {
                    controllers.get(arm.controllerVersion());
                } catch (ControllerVersionNotFoundException e) {
                    throw new InvalidExperimentException("arms[" + i + "].controller_version", "arms[" + i + "].controller_version '" + arm.controllerVersion()
                            + "' does not exist (GET /controller/versions lists them)");
                }
            }
            if (arm.expert() != null && catalog.activeByName(arm.expert()).isEmpty()) {
                throw new InvalidExperimentException("arms[" + i + "].expert", "arms[" + i + "].expert '" + arm.expert() + "' is not an active expert");
            }
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Experiment experiment = new Experiment(newId(), definition.name(), definition.unit(), definition.traffic(),
                HexFormat.of().formatHex(salt), ExperimentStatus.DRAFT, owner, clock.instant(), null, null, definition.arms());
        store.insert(experiment);
        return experiment;
    }

    public List<Experiment> list() {
        return store.findAll();
    }

    public Experiment get(String id) {
        return store.findById(id).orElseThrow(() -> new ExperimentNotFoundException("no experiment '" + id + "'"));
    }

    public Experiment start(String id, Caller caller) {
        return transition(owned(id, caller), ExperimentStatus.DRAFT, ExperimentStatus.RUNNING);
    }

    public Experiment stop(String id, Caller caller) {
        return transition(owned(id, caller), ExperimentStatus.RUNNING, ExperimentStatus.STOPPED);
    }

    /** Changes weights and/or traffic; units already assigned keep their arm (the assignment store remembers it). */
    public Experiment update(String id, Map<String, Double> weights, Double traffic, Caller caller) {
        Experiment experiment = owned(id, caller);
        if (experiment.status() == ExperimentStatus.STOPPED) {
            throw new ExperimentStateException("experiment '" + id + "' is stopped; its weights and traffic are final");
        }
        List<Arm> arms = weights == null ? experiment.arms() : ExperimentRules.reweigh(experiment, weights);
        double newTraffic = traffic == null ? experiment.traffic() : ExperimentRules.traffic(traffic);
        store.update(id, newTraffic, arms);
        reloadRunning();
        return get(id);
    }

    /**
     * The experiment, if {@code caller} may change it: every data scientist reads every experiment, but only its owner
     * (or an admin) starts, stops or reweights it.
     */
    private Experiment owned(String id, Caller caller) {
        Experiment experiment = get(id);
        if (!caller.mayAccess(experiment.owner())) {
            throw new NotOwnerException("experiment '" + id + "' belongs to '" + experiment.owner()
                    + "'; only its owner or an admin may start, stop or change it");
        }
        return experiment;
    }

    public ExperimentResults results(String id) {
        Experiment experiment = get(id);
        try {
            return ExperimentStatistics.compute(experiment.arms(), aggregates.forExperiment(experiment));
        } catch (SQLException e) {
            throw new ExperimentStoreUnavailableException("could not read the event log: " + e.getMessage(), e);
        }
    }

    /** Cumulative results per hour or day of serving time ({@code bucket} "hour" or "day"), oldest first. */
    public List<ExperimentTimeline.Point> timeline(String id, String bucket) {
        Experiment experiment = get(id);
        long seconds = "day".equals(bucket) ? 86_400 : 3_600;
        try {
            // The current bucket is not over: its point is "until now", not until its end.
            Instant now = clock.instant();
            return ExperimentTimeline.compute(experiment.arms(), aggregates.forExperimentByBucket(experiment, bucket), seconds).stream()
                    .map(point -> point.until().isAfter(now) ? new ExperimentTimeline.Point(now, point.results()) : point)
                    .toList();
        } catch (SQLException e) {
            throw new ExperimentStoreUnavailableException("could not read the event log: " + e.getMessage(), e);
        }
    }

    /**
     * The running experiment and arm for a request, if its unit is in one. A unit that already has an arm in a
     * running experiment keeps it; otherwise experiments are tried in the order they started and the first whose
     * traffic admits the unit assigns it, so a unit is in at most one running experiment.
     */
    public Optional<Assignment> assign(OwnedId user, OwnedId conversation) {
        List<Experiment> experiments = running.get();
        if (experiments.isEmpty()) {
            return Optional.empty();
        }
        for (Experiment experiment : experiments) {
            String unit = unitId(experiment, user, conversation);
            Optional<String> arm = known(experiment, unit);
            if (arm.isPresent() && experiment.arm(arm.get()).isPresent()) {
                return Optional.of(assignment(experiment, experiment.arm(arm.get()).orElseThrow()));
            }
        }
        for (Experiment experiment : experiments) {
            String unit = unitId(experiment, user, conversation);
            Optional<Arm> arm = Assigner.assign(experiment, unit);
            if (arm.isPresent()) {
                String kept = remember(experiment, unit, arm.get().name());
                return Optional.of(assignment(experiment, experiment.arm(kept).orElse(arm.get())));
            }
        }
        return Optional.empty();
    }

    private Optional<String> known(Experiment experiment, String unit) {
        String key = experiment.id() + "\u0000" + unit;
        String local = localAssignments.get(key);
        if (local != null) {
            return Optional.of(local);
        }
        try {
            Optional<String> stored = assignments.get(experiment.id(), unit);
            stored.ifPresent(arm -> cacheLocally(key, arm));
            return stored;
        } catch (RedisAssignmentStore.AssignmentStoreUnavailableException e) {
            LOG.warn("assignment store unavailable ({}); assigning by hash alone", e.getMessage());
            return Optional.empty();
        }
    }

    private String remember(Experiment experiment, String unit, String arm) {
        String kept;
        try {
            kept = assignments.putIfAbsent(experiment.id(), unit, arm);
        } catch (RedisAssignmentStore.AssignmentStoreUnavailableException e) {
            return arm;
        }
        cacheLocally(experiment.id() + "\u0000" + unit, kept);
        return kept;
    }

    private void cacheLocally(String key, String arm) {
        if (localAssignments.size() > LOCAL_CACHE_LIMIT) {
            localAssignments.clear();
        }
        localAssignments.put(key, arm);
    }

    private static Assignment assignment(Experiment experiment, Arm arm) {
        return new Assignment(experiment, arm, ArmPlans.plan(arm));
    }

    /** The unit as assigned and remembered: the client's id within its owner, so hashing it hashes (owner, unit id). */
    private static String unitId(Experiment experiment, OwnedId user, OwnedId conversation) {
        return (experiment.unit() == ExperimentUnit.USER ? user : conversation).key();
    }

    private Experiment transition(Experiment experiment, ExperimentStatus from, ExperimentStatus to) {
        String id = experiment.id();
        if (!store.transition(id, from, to, clock.instant())) {
            throw new ExperimentStateException("experiment '" + id + "' is " + get(id).status().wireName()
                    + "; only a " + from.wireName() + " experiment can be " + (to == ExperimentStatus.RUNNING ? "started" : "stopped"));
        }
        reloadRunning();
        return get(experiment.id());
    }

    /** Follows experiments started, changed or stopped through other replicas. */
    @Scheduled(fixedDelay = "${llmc.routing.registry-refresh:2s}", initialDelay = "${llmc.routing.registry-refresh:2s}")
    void reloadRunning() {
        try {
            running.set(store.findAll().stream()
                    .filter(experiment -> experiment.status() == ExperimentStatus.RUNNING)
                    .sorted(Comparator.comparing(Experiment::startedAt).thenComparing(Experiment::id))
                    .toList());
        } catch (ExperimentStoreUnavailableException e) {
            LOG.warn("running experiments not refreshed, keeping the previous list: {}", e.getMessage());
        }
    }

    /**
     * {@code xpt_} and 24 hex digits: experiments have their own prefix, distinct from experts' {@code exp_}. Ids are
     * opaque, so experiments created before the prefix changed (with {@code exp_}) keep theirs.
     */
    private static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "xpt_" + HexFormat.of().formatHex(bytes);
    }

}
