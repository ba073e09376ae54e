package dev.llmc.gateway.api;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Last resort for real server faults: logs the stack trace, answers 500 without leaking internals. */
@Singleton
public final class InternalErrorHandler implements ExceptionHandler<Exception, HttpResponse<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(InternalErrorHandler.class);
    private final ApiExceptionHandler apiErrors;

    InternalErrorHandler(ApiExceptionHandler apiErrors) {
        this.apiErrors = apiErrors;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, Exception exception) {
        LOG.error("unhandled error on {} {}", request.getMethod(), request.getPath(), exception);
        return apiErrors.handle(request, new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error",
                "internal error; the gateway log has the details under this request's X-Request-Id"));
    }
}
