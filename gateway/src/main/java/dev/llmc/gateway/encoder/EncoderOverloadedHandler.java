package dev.llmc.gateway.encoder;

import dev.llmc.gateway.api.ApiException;
import dev.llmc.model.encoder.EncoderOverloadedException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/** The in-process encoder's full queue is a 503 with {@code Retry-After}, like a gpu-node's, not a 500. */
@Singleton
final class EncoderOverloadedHandler implements ExceptionHandler<EncoderOverloadedException, HttpResponse<?>> {
    private final ErrorResponseProcessor<?> errors;

    EncoderOverloadedHandler(ErrorResponseProcessor<?> errors) {
        this.errors = errors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, EncoderOverloadedException exception) {
        ApiException error = new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "encoder_overloaded", exception.getMessage());
        return errors.processResponse(
                ErrorContext.builder(request).cause(error).errorMessage(error.getMessage()).build(),
                HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .header(HttpHeaders.RETRY_AFTER, Long.toString(exception.retryAfter().toSeconds())));
    }
}
