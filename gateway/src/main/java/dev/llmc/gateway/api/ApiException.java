package dev.llmc.gateway.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;

/** An error the caller sees as an OpenAI-shaped body with this status, machine-readable code and, if any, field. */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String code;
    private final String param;

    public ApiException(HttpStatus status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiException(HttpStatus status, String code, String message, @Nullable String param) {
        super(message);
        this.status = status;
        this.code = code;
        this.param = param;
    }

    /** The offending field as the API spells it ({@code messages[0].content}), or null. */
    public @Nullable String param() {
        return param;
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException invalid(String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", message);
    }

    /** A 400 naming the offending field in {@code param}. */
    public static ApiException invalid(String code, String message, @Nullable String param) {
        return new ApiException(HttpStatus.BAD_REQUEST, code, message, param);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(HttpStatus.NOT_FOUND, code, message);
    }
}
