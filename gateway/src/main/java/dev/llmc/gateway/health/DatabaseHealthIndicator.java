package dev.llmc.gateway.health;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * Whether PostgreSQL answers, as a detail of {@code /admin/health}. Always UP: chat keeps being served while
 * PostgreSQL is away (keys and the expert registry are in memory, events wait in Redis or on disk), so a blink of it must
 * not take a replica out of its Service through the readiness probe. Alert on {@code reachable: false} instead.
 */
@Singleton
final class DatabaseHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final DataSource dataSource;

    DatabaseHealthIndicator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        healthStatus = HealthStatus.UP;
        try (Connection connection = dataSource.getConnection()) {
            boolean valid = connection.isValid(2);
            return Map.of("reachable", valid, "database", connection.getMetaData().getDatabaseProductVersion());
        } catch (SQLException e) {
            return Map.of("reachable", false, "error", String.valueOf(e.getMessage()));
        }
    }

    @Override
    protected String getName() {
        return "postgresql";
    }
}
