package dev.llmc.gateway.health;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.health.HealthStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /admin/health}: every health indicator with its details, for admins only (no role annotation: admin
 * only). Anonymous {@code /health} answers the status alone, since its details (database and Redis versions, errors)
 * tell an outsider what runs behind the gateway.
 */
@Controller("/admin/health")
@ExecuteOn(TaskExecutors.BLOCKING)
final class HealthDetailsController {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final List<HealthIndicator> indicators;

    HealthDetailsController(List<HealthIndicator> indicators) {
        this.indicators = indicators;
    }

    /** One indicator's verdict. */
    record Check(String status, @Nullable Object details) {
    }

    /** The worst status of all indicators, and each one's. */
    record Details(String status, Map<String, Check> checks) {
    }

    @Get
    Details details() {
        Map<String, Check> checks = new TreeMap<>();
        HealthStatus worst = HealthStatus.UP;
        for (HealthIndicator indicator : indicators) {
            HealthResult result;
            try {
                result = Flux.from(indicator.getResult()).blockFirst(TIMEOUT);
            } catch (RuntimeException e) {
                checks.put(indicator.getClass().getSimpleName(), new Check(HealthStatus.UNKNOWN.getName(), "no answer: " + e.getMessage()));
                continue;
            }
            if (result == null) {
                continue;
            }
            checks.put(result.getName(), new Check(result.getStatus().getName(), result.getDetails()));
            if (HealthStatus.DOWN.equals(result.getStatus())) {
                worst = HealthStatus.DOWN;
            }
        }
        return new Details(worst.getName(), checks);
    }
}
