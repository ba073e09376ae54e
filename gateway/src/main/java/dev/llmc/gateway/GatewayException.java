package dev.llmc.gateway;

import io.micronaut.core.annotation.Nullable;

/**
 * What a gateway service or store reports when it cannot do what was asked: a message for the caller, the offending
 * field if the caller sent one, and whether the same request can succeed later. Each feature has its own subclasses;
 * only {@code dev.llmc.gateway.api.ErrorMapping} turns them into HTTP.
 */
public abstract class GatewayException extends RuntimeException {
    private final String field;

    protected GatewayException(String message, @Nullable String field, @Nullable Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The offending request field as the API spells it ({@code nodes[0].base_url}), or null. */
    public @Nullable String field() {
        return field;
    }

    /** True when the same request may succeed later (a store or dependency is down), false when it never will. */
    public abstract boolean retryable();
}
