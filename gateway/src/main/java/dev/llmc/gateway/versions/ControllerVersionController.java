package dev.llmc.gateway.versions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmc.gateway.auth.Caller;
import dev.llmc.gateway.auth.RequiresRole;
import dev.llmc.model.offpolicy.OffPolicyEstimator;
import dev.llmc.model.scoring.ContentBasedController;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Lists controller versions with their metrics and activates one (rolling back is activating an older one). */
@Controller("/controller/versions")
@RequiresRole(Caller.Role.DATA_SCIENTIST)
@ExecuteOn(TaskExecutors.BLOCKING)
final class ControllerVersionController {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerVersionController.class);
    private final ControllerVersions versions;
    private final ControllerVersionStore store;
    private final ObjectMapper mapper;
    private final OfflineEstimates estimates;

    ControllerVersionController(ControllerVersions versions, ControllerVersionStore store, ObjectMapper mapper,
                                OfflineEstimates estimates) {
        this.versions = versions;
        this.store = store;
        this.mapper = mapper;
        this.estimates = estimates;
    }

    /** One version as listed; {@code content} has no manifest. */
    record VersionView(String id, boolean active, @Nullable Instant createdAt, @Nullable JsonNode manifest) {
    }

    /** The list of versions, newest first, with the always-available content-based controller last. */
    record VersionList(String active, List<VersionView> data) {
    }

    @Get
    VersionList list() {
        String activeId = versions.active().version();
        List<VersionView> views = new ArrayList<>();
        for (ControllerVersionStore.StoredVersion stored : store.list()) {
            views.add(new VersionView(stored.id(), stored.id().equals(activeId), stored.createdAt(), json(stored.manifestJson())));
        }
        views.add(new VersionView(ContentBasedController.VERSION, ContentBasedController.VERSION.equals(activeId), null, null));
        return new VersionList(activeId, views);
    }

    /**
     * Data scientists promote and roll back versions (their job after an A/B test), not only admins; every activation
     * is logged with the key that made it.
     */
    @Post("/{id}/activate")
    VersionView activate(String id, @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        versions.activate(id);
        LOG.info("controller version '{}' activated by key {} (owner '{}', role {})", id, caller.keyId(), caller.owner(),
                caller.role().wireName());
        return list().data().stream().filter(view -> view.id().equals(id)).findFirst().orElseThrow();
    }

    /** Inverse-propensity estimates of a version's mean reward (rating − 1) / 4 on logged traffic; null when undefined. */
    record OfflineEstimateView(@Nullable Double ips, @Nullable Double snips, long n) {
    }

    @Get("/{id}/offline-estimate")
    OfflineEstimateView offlineEstimate(String id) {
        OffPolicyEstimator.Estimate estimate = estimates.estimate(id);
        return new OfflineEstimateView(finite(estimate.ips()), finite(estimate.snips()), estimate.n());
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
