package dev.llmc.gateway.api;

import dev.llmc.gateway.GatewayException;
import io.micronaut.core.annotation.Nullable;

/**
 * The request cannot be read as the endpoint expects (malformed JSON, a missing or mistyped field, text PostgreSQL
 * cannot store), found while the API layer parses it before any service runs: always the caller's mistake.
 */
public final class InvalidRequestException extends GatewayException {
    private final String code;

    private InvalidRequestException(String code, String message, @Nullable String param) {
        super(message, param, null);
        this.code = code;
    }

    /** The machine-readable code, {@code invalid_request} unless the problem has a more specific one. */
    public String code() {
        return code;
    }

    /** The offending field as the API spells it ({@code messages[0].content}), or null. */
    public @Nullable String param() {
        return field();
    }

    @Override
    public boolean retryable() {
        return false;
    }

    public static InvalidRequestException invalid(String message) {
        return new InvalidRequestException("invalid_request", message, null);
    }

    /** An invalid request naming the offending field in {@code param}. */
    public static InvalidRequestException invalid(String code, String message, @Nullable String param) {
        return new InvalidRequestException(code, message, param);
    }
}
