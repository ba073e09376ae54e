package dev.llmc.gateway.api;

import dev.llmc.registry.DuplicateExpertException;
import dev.llmc.registry.ExpertNotFoundException;
import dev.llmc.registry.InvalidExpertException;
import dev.llmc.registry.InvalidStatusChangeException;
import dev.llmc.registry.RegistryException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Translates the registry's error tree into HTTP statuses: the caller's mistakes are 4xx, an unreachable database 503. */
@Singleton
public final class RegistryExceptionHandler implements ExceptionHandler<RegistryException, HttpResponse<?>> {
    private final ApiExceptionHandler apiErrors;

    RegistryExceptionHandler(ApiExceptionHandler apiErrors) {
        this.apiErrors = apiErrors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, RegistryException exception) {
        return apiErrors.handle(request, toApi(exception));
    }

    static ApiException toApi(RegistryException exception) {
        return switch (exception) {
            case InvalidExpertException invalid -> ApiException.invalid("invalid_request", invalid.getMessage(), invalid.field());
            case DuplicateExpertException duplicate ->
                    new ApiException(HttpStatus.CONFLICT, "expert_exists", duplicate.getMessage());
            case ExpertNotFoundException missing -> ApiException.notFound("expert_not_found", missing.getMessage());
            case InvalidStatusChangeException conflict ->
                    new ApiException(HttpStatus.CONFLICT, "invalid_status_change", conflict.getMessage());
            default -> new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "registry_unavailable",
                    "the expert registry is unavailable right now; retry shortly");
        };
    }
}
