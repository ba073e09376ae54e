package dev.llmc.gateway.storage;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** Reports whether PostgreSQL answers, for {@code /health} and load-balancer probes. */
@Singleton
final class DatabaseHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final DataSource dataSource;

    DatabaseHealthIndicator(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        try (Connection connection = dataSource.getConnection()) {
            boolean valid = connection.isValid(2);
            healthStatus = valid ? HealthStatus.UP : HealthStatus.DOWN;
            return Map.of("database", connection.getMetaData().getDatabaseProductVersion());
        } catch (SQLException e) {
            healthStatus = HealthStatus.DOWN;
            return Map.of("error", e.getMessage());
        }
    }

    @Override
    protected String getName() {
        return "postgresql";
    }
}
