package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.ScoringIndexConfig;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExactScan;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ExpertRanking;
import dev.llmc.registry.Expert;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The controller's ranking of the routable experts, prepared once and reused while neither the controller nor the set
 * of routable experts changes: a turn then costs the scan (or the index search) only, not laying out every expert.
 * When the routable experts change (registration, status, node health), a set below the index threshold is laid out
 * again at once (an exact scan: milliseconds). From the threshold on, the index is rebuilt on a background thread (an
 * HNSW build takes minutes at index sizes) while the previous ranking keeps serving, narrowed to the experts still
 * routable; an expert that joined meanwhile is routed to once the rebuild is swapped in. Changes that arrive during a
 * rebuild are coalesced into one more rebuild of the latest set. Only a controller seen for the first time, or a set
 * sharing no expert with the previous one, is scanned exactly on the request thread until its index is built.
 */
@Singleton
final class PreparedRankings implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PreparedRankings.class);

    private record Prepared(Controller controller, List<Expert> experts, ExpertRanking ranking) {
    }

    /** What serves {@code experts} while their own ranking is built: {@code source} narrowed to them. */
    private record Narrowed(ExpertRanking source, List<Expert> experts, ExpertRanking ranking) {
    }

    /** One controller version's rankings: the one serving, and what the background should prepare next. */
    private static final class Slot {
        volatile Prepared serving;
        /** The serving ranking narrowed to the latest routable experts, while a rebuild for them runs. */
        volatile Narrowed narrowed;
        // Guarded by the slot: the latest set asked for and whether a build task is queued or running.
        Controller wantedController;
        List<Expert> wanted;
        boolean building;
        /** The last set whose build failed: not retried on every turn (a registry change brings a new set). */
        volatile List<Expert> failed;
    }

    private final ScoringIndexConfig config;
    private final Executor builds;
    private final ExecutorService ownedBuilds;
    /**
     * Which ranking a slot holds: a controller version's ranking of the routable experts, or of the new ones among them
     * (the cold-start candidates). One slot each, so that experiment arms pinning different versions, and the two sets,
     * do not rebuild each other's.
     */
    private record SlotKey(String version, boolean newExperts) {
    }

    private final Map<SlotKey, Slot> slots = new ConcurrentHashMap<>();

    @Inject
    PreparedRankings(ScoringIndexConfig config) {
        // One build at a time: a build is CPU-bound and a newer set supersedes a queued one anyway.
        this(config, Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("llmc-ranking-build").factory()));
    }

    /** Builds run on {@code builds}; tests pass one they control. */
    PreparedRankings(ScoringIndexConfig config, Executor builds) {
        this.config = config;
        this.builds = builds;
        this.ownedBuilds = builds instanceof ExecutorService service ? service : null;
    }

    /**
     * The ranking of {@code experts} (in this order) by {@code controller}: the prepared one when it matches, else the
     * previous one narrowed to these experts while a rebuild for them runs in the background.
     */
    ExpertRanking of(Controller controller, List<Expert> experts) {
        return of(new SlotKey(controller.version(), false), controller, experts);
    }

    /** Like {@link #of}, for the new experts among the routable ones, kept apart from their ranking. */
    ExpertRanking ofNew(Controller controller, List<Expert> newExperts) {
        return of(new SlotKey(controller.version(), true), controller, newExperts);
    }

    private ExpertRanking of(SlotKey key, Controller controller, List<Expert> experts) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        Prepared serving = slot.serving;
        if (serving == null || serving.controller != controller) {
            // Nothing of this controller's to serve: the exact scan now, the index (if due) next.
            ExpertRanking exact = new ExactScan(controller.layout(profiles(experts)));
            slot.serving = new Prepared(controller, experts, exact);
            if (experts.size() >= config.threshold()) {
                requestBuild(slot, controller, experts);
            }
            return exact;
        }
        if (sameObjects(serving.experts, experts)) {
            return serving.ranking;
        }
        // A full registry read re-creates equal Expert objects, an edit of nodes alone replaces one: keep the ranking.
        if (sameScoring(serving.experts, experts)) {
            slot.serving = new Prepared(controller, experts, serving.ranking);
            return serving.ranking;
        }
        if (experts.size() < config.threshold()) {
            // Below the index threshold a rebuild is a layout (milliseconds at 10,000 experts): done here, so the experts
            // served are always the routable ones (a node back in rotation is routed to at once).
            ExpertRanking exact = new ExactScan(controller.layout(profiles(experts)));
            slot.serving = new Prepared(controller, experts, exact);
            return exact;
        }
        List<Expert> failed = slot.failed;
        if (failed == null || !sameObjects(failed, experts)) {
            requestBuild(slot, controller, experts);
        }
        Prepared current = slot.serving;
        if (current != serving && sameObjects(current.experts, experts)) {
            return current.ranking;  // the build ran already (a direct executor)
        }
        Narrowed narrowed = slot.narrowed;
        if (narrowed == null || narrowed.source != current.ranking || !sameObjects(narrowed.experts, experts)) {
            ExpertRanking view = RoutableRanking.of(current.ranking, current.experts, experts);
            if (view.size() == 0) {
                // The previous ranking holds none of these experts: nothing to serve until the build, so scan exactly now.
                view = new ExactScan(controller.layout(profiles(experts)));
            }
            narrowed = new Narrowed(current.ranking, experts, view);
            slot.narrowed = narrowed;
        }
        return narrowed.ranking;
    }

    private void requestBuild(Slot slot, Controller controller, List<Expert> experts) {
        synchronized (slot) {
            slot.wantedController = controller;
            slot.wanted = experts;
            if (slot.building) {
                return;
            }
            slot.building = true;
        }
        builds.execute(() -> build(slot));
    }

    /** Builds the latest wanted set until no newer one was asked for meanwhile. */
    private void build(Slot slot) {
        while (true) {
            Controller controller;
            List<Expert> experts;
            synchronized (slot) {
                controller = slot.wantedController;
                experts = slot.wanted;
            }
            long start = System.nanoTime();
            try {
                ExpertRanking ranking = controller.prepare(profiles(experts), config.settings());
                slot.serving = new Prepared(controller, experts, ranking);
                LOG.info("ranking of {} experts by controller {} prepared in {} ms ({})", experts.size(), controller.version(),
                        (System.nanoTime() - start) / 1_000_000, ranking.getClass().getSimpleName());
            } catch (RuntimeException e) {
                slot.failed = experts;
                LOG.warn("preparing the ranking of {} experts by controller {} failed, the previous one keeps serving: {}",
                        experts.size(), controller.version(), e.toString());
            }
            synchronized (slot) {
                if (slot.wanted == experts && slot.wantedController == controller) {
                    slot.building = false;
                    return;
                }
            }
        }
    }

    private static List<ExpertProfile> profiles(List<Expert> experts) {
        return experts.stream().map(expert -> new ExpertProfile(expert.id(), expert.theta())).toList();
    }

    /** Element identity: the registry snapshot's Expert objects are reused until a change replaces them. */
    static boolean sameObjects(List<Expert> a, List<Expert> b) {
        if (a == b) {
            return true;
        }
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** The same experts in the same order with the same content θ: what the ranking was prepared from. */
    private static boolean sameScoring(List<Expert> a, List<Expert> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            // A snapshot update keeps the Expert objects of experts that did not change: no θ to compare.
            if (a.get(i) != b.get(i) && (!a.get(i).id().equals(b.get(i).id()) || !Arrays.equals(a.get(i).theta(), b.get(i).theta()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    @PreDestroy
    public void close() {
        if (ownedBuilds != null) {
            ownedBuilds.shutdownNow();
        }
    }
}
