package dev.llmc.gateway.feedback;

import dev.llmc.gateway.GatewayException;
import io.micronaut.core.annotation.Nullable;

/** The feedback breaks a rule: a missing or overlong message id, an unknown type, a value out of range. */
public final class InvalidFeedbackException extends GatewayException {
    public InvalidFeedbackException(@Nullable String field, String message) {
        super(message, field, null);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
