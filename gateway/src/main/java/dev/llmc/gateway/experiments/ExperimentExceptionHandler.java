package dev.llmc.gateway.experiments;

import dev.llmc.abtest.experiment.ExperimentException;
import dev.llmc.abtest.experiment.ExperimentNotFoundException;
import dev.llmc.abtest.experiment.ExperimentStateException;
import dev.llmc.abtest.experiment.InvalidExperimentException;
import dev.llmc.gateway.api.ApiException;
import dev.llmc.gateway.api.ApiExceptionHandler;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Translates the experiment errors into HTTP: the caller's mistakes are 4xx, an unreachable database 503. */
@Singleton
final class ExperimentExceptionHandler implements ExceptionHandler<ExperimentException, HttpResponse<?>> {
    private final ApiExceptionHandler apiErrors;

    ExperimentExceptionHandler(ApiExceptionHandler apiErrors) {
        this.apiErrors = apiErrors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, ExperimentException exception) {
        ApiException api = switch (exception) {
            case InvalidExperimentException invalid -> ApiException.invalid("invalid_request", invalid.getMessage(), invalid.field());
            case ExperimentNotFoundException missing -> ApiException.notFound("experiment_not_found", missing.getMessage());
            case ExperimentStateException state -> new ApiException(HttpStatus.CONFLICT, "experiment_state", state.getMessage());
            default -> new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "experiments_unavailable",
                    "experiments cannot be read or changed right now; retry shortly");
        };
        return apiErrors.handle(request, api);
    }
}
