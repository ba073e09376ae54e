package dev.llmc.gpunode.error;

import dev.llmc.gpunode.replay.PromptNotFoundException;
import dev.llmc.gpunode.retrieval.ModelNotFoundException;
import dev.llmc.model.encoder.EncoderOverloadedException;
import dev.llmc.openai.OpenAiError;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one table from what went wrong to HTTP: status and {@code code} per exception, the body from
 * {@code openai-wire}. Errors Micronaut raises itself (unknown route, malformed JSON, body too large) are written by
 * {@link OpenAiErrorResponseProcessor}.
 */
@Singleton
public class ErrorMapping implements ExceptionHandler<Exception, HttpResponse<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);
    static final String INTERNAL_MESSAGE = "internal server error";

    @Override
    public HttpResponse<?> handle(HttpRequest request, Exception exception) {
        return switch (exception) {
            case InvalidRequestException invalid -> error(HttpStatus.BAD_REQUEST, "invalid_request", invalid.getMessage());
            case ModelNotFoundException missing -> error(HttpStatus.NOT_FOUND, "model_not_found", missing.getMessage());
            case PromptNotFoundException missing -> error(HttpStatus.NOT_FOUND, "prompt_not_found", missing.getMessage());
            // A full queue: the caller backs off instead of waiting without bound.
            case EncoderOverloadedException full -> error(HttpStatus.SERVICE_UNAVAILABLE, "encoder_overloaded",
                    full.getMessage() + "; retry after " + full.retryAfter().toSeconds() + " s")
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(full.retryAfter().toSeconds()));
            default -> {
                // Details of server faults go to the log, not to the caller.
                LOG.error("unhandled error on {} {}", request.getMethod(), request.getPath(), exception);
                yield error(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error", INTERNAL_MESSAGE);
            }
        };
    }

    private static MutableHttpResponse<OpenAiError> error(HttpStatus status, String code, String message) {
        return HttpResponse.status(status).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(OpenAiError.of(status.getCode(), code, message));
    }
}
