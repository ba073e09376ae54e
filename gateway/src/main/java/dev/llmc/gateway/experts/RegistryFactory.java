package dev.llmc.gateway.experts;

import dev.llmc.gateway.storage.DatabaseNotifications;
import dev.llmc.model.encoder.SentenceEncoder;
import dev.llmc.registry.ExpertCatalog;
import dev.llmc.registry.JdbcExpertRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;

import javax.sql.DataSource;
import java.time.Clock;

/**
 * Wires the expert registry to the gateway's database; created at start-up so schema problems surface immediately.
 * The snapshot follows every registry change notification (reading only the experts that changed), so changes reach
 * every replica within a second.
 * Content θ computed by another encoder are re-embedded from the descriptions at start-up.
 */
@Factory
final class RegistryFactory {
    static final String CHANNEL = "llmc_registry";

    @Context
    ExpertCatalog expertCatalog(DataSource dataSource, DatabaseNotifications notifications, SentenceEncoder encoder,
                                MeterRegistry meters) {
        ExpertCatalog catalog = new ExpertCatalog(new JdbcExpertRegistry(dataSource, encoder.id()), Clock.systemUTC());
        FunctionCounter.builder("llmc.registry.snapshot.reloads", catalog, ExpertCatalog::reloads)
                .description("reloads of the in-memory expert snapshot from the database (each reads every expert)")
                .register(meters);
        FunctionCounter.builder("llmc.registry.snapshot.updates", catalog, ExpertCatalog::updates)
                .description("in-memory expert snapshot brought up to date reading only the experts that changed")
                .register(meters);
        // After a switch of llmc.encoder.model, θ of the old encoder would be compared with e(C) of the new one.
        catalog.reembedDescriptions(encoder::embed);
        catalog.refresh();
        notifications.subscribe(CHANNEL, catalog::refresh);
        return catalog;
    }
}
