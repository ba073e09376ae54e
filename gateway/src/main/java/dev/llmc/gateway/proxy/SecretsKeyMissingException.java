package dev.llmc.gateway.proxy;

import dev.llmc.gateway.GatewayException;

/** A node's upstream API key cannot be sealed because the operator has not configured {@code LLMC_SECRETS_KEY}. */
public final class SecretsKeyMissingException extends GatewayException {
    public SecretsKeyMissingException() {
        super("this gateway cannot store upstream API keys: its operator has not set LLMC_SECRETS_KEY", null, null);
    }

    @Override
    public boolean retryable() {
        // Not until the operator restarts the gateway with a key; the caller can only ask them.
        return false;
    }
}
