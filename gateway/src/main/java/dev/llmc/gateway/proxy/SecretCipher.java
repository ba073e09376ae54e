package dev.llmc.gateway.proxy;

import dev.llmc.gateway.config.SecretsConfig;
import jakarta.inject.Singleton;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Seals expert nodes' upstream API keys with AES-256-GCM under {@code LLMC_SECRETS_KEY}; the node's base URL is
 * authenticated data, so a sealed key copied onto another node's row (say, an attacker's URL) no longer opens.
 */
@Singleton
public final class SecretCipher {
    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    SecretCipher(SecretsConfig config) {
        byte[] bytes = config.keyBytes();
        this.key = bytes == null ? null : new SecretKeySpec(bytes, "AES");
    }

    /** Encrypts {@code secret} for the node at {@code baseUrl}. */
    public String seal(String secret, String baseUrl) {
        if (key == null) {
            throw new SecretsKeyMissingException();
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(baseUrl.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is available on every JVM", e);
        }
    }

    /**
     * A stable fingerprint of the key sealed in {@code sealed} (sealing the same key twice gives different texts, the
     * same fingerprint): HMAC-SHA256 of the plaintext under the secrets key, so equal keys can be told apart from
     * different ones without keeping any plaintext.
     */
    public String fingerprint(String sealed, String baseUrl) throws UpstreamException {
        String secret = open(sealed, baseUrl);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is available on every JVM", e);
        }
    }

    /** Decrypts a key sealed for {@code baseUrl}; fails when the secrets key changed or the row was tampered with. */
    public String open(String sealed, String baseUrl) throws UpstreamException {
        if (key == null || !sealed.startsWith(PREFIX)) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, baseUrl + ": its API key cannot be decrypted (LLMC_SECRETS_KEY missing or changed)", null);
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(baseUrl.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, baseUrl + ": its API key cannot be decrypted (LLMC_SECRETS_KEY missing or changed)", e);
        }
    }
}
