package dev.llmc.gateway.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/** Maps {@link ApiException} to its status through the shared error body processor. */
@Singleton
public final class ApiExceptionHandler implements ExceptionHandler<ApiException, HttpResponse<?>> {
    private final ErrorResponseProcessor<?> errors;

    ApiExceptionHandler(ErrorResponseProcessor<?> errors) {
        this.errors = errors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, ApiException exception) {
        return errors.processResponse(
                ErrorContext.builder(request).cause(exception).errorMessage(exception.getMessage()).build(),
                HttpResponse.status(exception.status()));
    }
}
