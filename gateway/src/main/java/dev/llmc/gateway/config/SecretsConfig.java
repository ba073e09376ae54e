package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;

import java.util.Base64;

/**
 * The key that encrypts expert nodes' upstream API keys at rest ({@code llmc.secrets-key}, env
 * {@code LLMC_SECRETS_KEY}): 32 random bytes in base64. Without it, nodes cannot be registered with an {@code api_key}.
 */
// Eager so that invalid configuration refuses the start instead of failing the first request.
@Context
@ConfigurationProperties("llmc")
public record SecretsConfig(@Nullable String secretsKey) {

    public SecretsConfig {
        if (secretsKey != null && !secretsKey.isBlank()) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(secretsKey.strip());
            } catch (IllegalArgumentException e) {
                throw new StartupRefusedException("LLMC_SECRETS_KEY must be base64, e.g. the output of: head -c 32 /dev/urandom | base64");
            }
            if (key.length != 32) {
                throw new StartupRefusedException("LLMC_SECRETS_KEY must decode to 32 bytes (AES-256), got " + key.length);
            }
        }
    }

    /** The 32-byte key, or null when none is configured. */
    public byte[] keyBytes() {
        return secretsKey == null || secretsKey.isBlank() ? null : Base64.getDecoder().decode(secretsKey.strip());
    }
}
