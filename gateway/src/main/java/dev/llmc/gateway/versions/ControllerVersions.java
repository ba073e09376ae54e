package dev.llmc.gateway.versions;

import dev.llmc.gateway.routing.ServingControllers;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.scoring.ContentBasedController;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.training.ControllerArtifact;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The controllers the router can use: the active one (hot-swapped atomically when another version is
 * activated, here or on another replica) and specific versions that A/B arms pin. Loaded versions are
 * immutable, so requests in flight finish on the controller they started with. A version trained on another
 * encoder's embeddings is never served: activating or pinning it is refused, and if it is the stored active version
 * (the encoder was switched) the content-based controller serves instead.
 */
@Context
public final class ControllerVersions implements ServingControllers {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerVersions.class);
    private final Controller content = new ContentBasedController();
    private final ControllerVersionStore store;
    private final String encoderId;
    private final Map<String, Controller> loaded = new ConcurrentHashMap<>();
    private final AtomicReference<Controller> active = new AtomicReference<>(content);
    private final Set<String> warnedMismatch = ConcurrentHashMap.newKeySet();

    ControllerVersions(ControllerVersionStore store, ConversationEncoder encoder) {
        this.store = store;
        this.encoderId = encoder.encoderId();
        store.activeId().ifPresent(id -> active.set(servable(id)));
        LOG.info("controller: version {} serves", active.get().version());
    }

    /** The controller that serves traffic outside experiments. */
    @Override
    public Controller active() {
        return active.get();
    }

    /** A specific version ({@code content} included); 404 if it does not exist. */
    @Override
    public Controller get(String version) {
        if (ContentBasedController.VERSION.equals(version)) {
            return content;
        }
        Controller controller = loaded.get(version);
        return controller != null ? controller : load(version);
    }

    /** Activates a version for all traffic outside experiments; {@code content} rolls back to the content-based controller. */
    public Controller activate(String version) {
        Controller controller = get(version);
        boolean stored = store.activate(ContentBasedController.VERSION.equals(version) ? null : version);
        if (!stored) {
            throw new ControllerVersionNotFoundException(version);
        }
        swapTo(controller);
        return controller;
    }

    /** Follows activations made through other replicas (or by the training job) without a restart. */
    @Scheduled(fixedDelay = "${llmc.routing.registry-refresh:2s}", initialDelay = "${llmc.routing.registry-refresh:2s}")
    void followActivations() {
        try {
            Optional<String> id = store.activeId();
            Controller wanted = id.map(this::servable).orElse(content);
            if (wanted != active.get()) {
                swapTo(wanted);
            }
        } catch (RuntimeException e) {
            LOG.warn("controller activation not refreshed, keeping version {}: {}", active.get().version(), e.getMessage());
        }
    }

    private void swapTo(Controller controller) {
        Controller previous = active.getAndSet(controller);
        if (previous != controller) {
            LOG.info("controller: version {} now serves (was {})", controller.version(), previous.version());
        }
    }

    /** The stored active version, or the content-based controller when that version needs another encoder. */
    private Controller servable(String version) {
        try {
            return get(version);
        } catch (ControllerEncoderMismatchException e) {
            if (warnedMismatch.add(version)) {
                LOG.warn("controller: the active version is not served, the content-based controller is: {}", e.getMessage());
            }
            return content;
        }
    }

    private Controller load(String version) {
        byte[] bytes;
        try {
            bytes = store.artifact(version).orElseThrow(() -> new ControllerVersionNotFoundException(version));
        } catch (ControllerVersionStore.ControllerStoreException e) {
            throw new ControllerStoreUnavailableException(e);
        }
        ControllerArtifact artifact = ControllerArtifact.fromBytes(bytes);
        if (!artifact.manifest().encoderId().equals(encoderId)) {
            throw new ControllerEncoderMismatchException(version, artifact.manifest().encoderId(), encoderId);
        }
        return loaded.computeIfAbsent(version, id -> artifact.controller());
    }
}
