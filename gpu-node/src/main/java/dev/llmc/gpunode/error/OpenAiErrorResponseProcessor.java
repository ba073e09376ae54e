package dev.llmc.gpunode.error;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.llmc.openai.OpenAiError;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes the framework's error responses (unknown route, wrong method, malformed JSON, body too large) in OpenAI's
 * shape, like {@link ErrorMapping} writes ours, so that OpenAI clients can read them.
 */
@Singleton
public class OpenAiErrorResponseProcessor implements ErrorResponseProcessor<OpenAiError> {

    @Override
    public MutableHttpResponse<OpenAiError> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        OpenAiError body = OpenAiError.of(status.getCode(), code(status), message(context, status));
        return response.contentType(MediaType.APPLICATION_JSON_TYPE).body(body);
    }

    private static final Pattern SOURCE = Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)\\]");

    private static String code(HttpStatus status) {
        return switch (status.getCode()) {
            case 400 -> "invalid_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            case 503 -> "service_unavailable";
            default -> status.getCode() >= 500 ? "internal_error" : "invalid_request";
        };
    }

    private static String message(ErrorContext context, HttpStatus status) {
        if (status.getCode() >= 500 && status != HttpStatus.SERVICE_UNAVAILABLE) {
            // Details of server faults go to the log (Micronaut logs them), not to the caller.
            return "internal server error";
        }
        Throwable cause = context.getRootCause().orElse(null);
        Optional<String> json = describeJsonError(cause);
        if (json.isPresent()) {
            return json.get();
        }
        if (status == HttpStatus.NOT_FOUND) {
            return "no such endpoint: " + context.getRequest().getMethodName() + " " + context.getRequest().getPath();
        }
        String messages = context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
        return messages.isBlank() ? status.getReason() : messages;
    }

    /** Syntax errors win over mapping errors: Jackson wraps a syntax error inside an array in a mapping error with a path. */
    private static Optional<String> describeJsonError(Throwable throwable) {
        JsonMappingException mapping = null;
        for (Throwable t = throwable; t != null; t = t.getCause()) {
            if (t instanceof StreamReadException syntax) {
                return Optional.of("invalid JSON body: " + withoutSource(syntax.getOriginalMessage()));
            }
            if (mapping == null && t instanceof JsonMappingException m) {
                mapping = m;
            }
        }
        if (mapping == null) {
            return Optional.empty();
        }
        if (mapping.getPath().isEmpty()) {
            return Optional.of("the request body must be a JSON object");
        }
        String field = mapping.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining())
                .substring(1);
        // Jackson names Java types ("java.lang.Boolean"); the caller only needs the JSON type that was expected.
        if (mapping instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return Optional.of("invalid value for '" + field + "': expected " + jsonType(mismatch.getTargetType()));
        }
        return Optional.of("invalid value for '" + field + "': " + withoutSource(mapping.getOriginalMessage()));
    }

    private static String jsonType(Class<?> type) {
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    // Jackson's "[Source: ...; line: 1, column: 9]" describes our input buffers; only the line and column help the caller.
    private static String withoutSource(String message) {
        return SOURCE.matcher(message).replaceAll("line $1, column $2");
    }
}
