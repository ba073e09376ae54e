package dev.llmc.gateway.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;

/**
 * The API writes absent fields as null (jackson.serialization-inclusion: ALWAYS), but the anonymous {@code /health}
 * result has no name and no details: without this it read {@code {"name":null,"status":"UP","details":null}}.
 */
@Singleton
final class HealthJson extends SimpleModule {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    private abstract static class WithoutNulls {
    }

    HealthJson() {
        super("llmc-health-json");
        setMixInAnnotation(HealthResult.class, WithoutNulls.class);
    }
}
