package dev.llmc.gateway.api;

import dev.llmc.gateway.requestid.RequestIdFilter;
import dev.llmc.openai.OpenAiError;
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
 * Gives every error Micronaut produces itself (malformed JSON, unknown route, wrong method, body over the limit) the
 * same OpenAI-shaped body as the gateway's own errors, which {@link ErrorMapping} answers.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public final class OpenAiErrorResponseProcessor implements ErrorResponseProcessor<OpenAiError> {

    @Override
    public MutableHttpResponse<OpenAiError> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        String message = context.getErrors().stream()
                .map(Error::getMessage)
                .map(OpenAiErrorResponseProcessor::withoutParserNoise)
                .collect(Collectors.joining("; "));
        if (message.isBlank()) {
            message = status.getReason();
        }
        InvalidRequestException api = context.getRootCause()
                .filter(InvalidRequestException.class::isInstance)
                .map(InvalidRequestException.class::cast)
                .orElse(null);
        String code = api != null ? api.code() : codeFor(status);
        String param = api != null ? api.param() : null;
        String requestId = context.getRequest().getAttribute(RequestIdFilter.ATTRIBUTE, String.class).orElse(null);
        return response.body(OpenAiError.of(status.getCode(), code, message, param).withRequestId(requestId))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /** A default code for errors Micronaut raises itself (bad JSON, unknown route, body too large). */
    static String codeFor(HttpStatus status) {
        return switch (status.getCode()) {
            case 400 -> "invalid_request";
            case 401 -> "invalid_api_key";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            default -> status.getCode() >= 500 ? "internal_error" : "error";
        };
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
