package dev.llmc.gpunode.error;

import dev.llmc.model.encoder.EncoderOverloadedException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/** A full encoder queue is a 503 with {@code Retry-After}: the caller backs off instead of waiting without bound. */
@Singleton
public class EncoderOverloadedHandler implements ExceptionHandler<EncoderOverloadedException, HttpResponse<?>> {

    private final ErrorResponseProcessor<?> errors;

    public EncoderOverloadedHandler(ErrorResponseProcessor<?> errors) {
        this.errors = errors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, EncoderOverloadedException exception) {
        ErrorContext context = ErrorContext.builder(request)
                .cause(exception)
                .errorMessage(exception.getMessage() + "; retry after " + exception.retryAfter().toSeconds() + " s")
                .build();
        return errors.processResponse(context, HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(exception.retryAfter().toSeconds())));
    }
}
