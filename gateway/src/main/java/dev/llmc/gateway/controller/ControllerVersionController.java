package dev.llmc.gateway.controller;

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
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Lists controller versions with their metrics and activates one (rolling back is activating an older one). */
@Controller("/controller/versions")
@RequiresRole(Caller.Role.DATA_SCIENTIST)
@ExecuteOn(TaskExecutors.BLOCKING)
final class ControllerVersionController {
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

    @Post("/{id}/activate")
    @RequiresRole(Caller.Role.ADMIN)
    VersionView activate(String id) {
        versions.activate(id);
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
