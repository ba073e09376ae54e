package dev.llmc.gateway.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.stream.Collectors;

/**
 * Gives every error Micronaut produces itself (malformed JSON, unknown route, wrong method, body over the
 * limit) the same OpenAI-shaped body as the gateway's own errors: the one place statuses become bodies.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public final class OpenAiErrorResponseProcessor implements ErrorResponseProcessor<ErrorBody> {

    @Override
    public MutableHttpResponse<ErrorBody> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        String message = context.getErrors().stream()
                .map(Error::getMessage)
                .map(OpenAiErrorResponseProcessor::withoutParserNoise)
                .collect(Collectors.joining("; "));
        if (message.isBlank()) {
            message = status.getReason();
        }
        ApiException api = context.getRootCause()
                .filter(ApiException.class::isInstance)
                .map(ApiException.class::cast)
                .orElse(null);
        String code = api != null ? api.code() : ErrorBody.codeFor(status);
        String param = api != null ? api.param() : null;
        return response.body(ErrorBody.of(status, code, message, param)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /** Jackson appends source locations ("at [Source: ...]") that mean nothing to an API caller. */
    static String withoutParserNoise(String message) {
        if (message == null) {
            return "";
        }
        int source = message.indexOf(" at [Source:");
        String trimmed = source >= 0 ? message.substring(0, source) : message;
        int newline = trimmed.indexOf('\n');
        return (newline >= 0 ? trimmed.substring(0, newline) : trimmed).trim();
    }
}
