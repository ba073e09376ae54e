package dev.llmc.gateway.experts;

import dev.llmc.registry.ExpertCatalog;
import dev.llmc.registry.RegistryUnavailableException;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the in-memory expert snapshot off the request path: a safety net behind change notifications (which
 * carry changes from other replicas within a second); when the database is unreachable the last snapshot keeps serving.
 */
@Singleton
final class RegistryRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryRefresher.class);
    private final ExpertCatalog catalog;

    RegistryRefresher(ExpertCatalog catalog) {
        this.catalog = catalog;
    }

    @Scheduled(fixedDelay = "${llmc.routing.registry-refresh:2s}", initialDelay = "${llmc.routing.registry-refresh:2s}")
    void refresh() {
        try {
            catalog.refresh();
        } catch (RegistryUnavailableException e) {
            LOG.warn("expert snapshot not refreshed, keeping the previous one: {}", e.getMessage());
        }
    }
}
