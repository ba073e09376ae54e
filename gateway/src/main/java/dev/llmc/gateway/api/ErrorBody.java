package dev.llmc.gateway.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;

/**
 * OpenAI's error body, {@code {"error":{"message","type","param","code"}}}, with one fixed {@code type} per HTTP status;
 * {@code param} names the offending field (e.g. {@code messages[0].content}) and is null, as OpenAI sends it, when
 * there is none.
 */
public record ErrorBody(Detail error) {

    /** The inner object of an error body. */
    public record Detail(String message, String type, @Nullable String param, String code) {
    }

    public static ErrorBody of(HttpStatus status, String code, String message) {
        return of(status, code, message, null);
    }

    public static ErrorBody of(HttpStatus status, String code, String message, @Nullable String param) {
        return new ErrorBody(new Detail(message, typeFor(status), param, code));
    }

    /** The error type DESIGN.md fixes for each status, so clients can branch on it. */
    static String typeFor(HttpStatus status) {
        return switch (status.getCode()) {
            case 400, 405, 406, 415 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 409 -> "conflict_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 502, 504 -> "upstream_error";
            case 503 -> "service_unavailable";
            default -> status.getCode() >= 500 ? "internal_error" : "invalid_request_error";
        };
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
}
