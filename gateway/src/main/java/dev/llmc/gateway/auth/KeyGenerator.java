package dev.llmc.gateway.auth;

import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Makes new API keys: a random secret, a random id, and the SHA-256 hash that is all the database ever stores. */
@Singleton
public final class KeyGenerator {
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static final String KEY_PREFIX = "llmc_";
    static final String ID_PREFIX = "key_";
    static final int KEY_LENGTH = 40;
    static final int ID_LENGTH = 20;
    static final int PREFIX_LENGTH = 9;
    private final SecureRandom random = new SecureRandom();

    /** A new key: its secret is shown once, its prefix lets an admin recognise it in lists. */
    public record NewKey(String id, String secret, String hash, String prefix) {
        // The secret must never reach a log line through a record's toString.
        @Override
        public String toString() {
            return "NewKey[id=" + id + ", prefix=" + prefix + "]";
        }
    }

    public NewKey generate() {
        String secret = KEY_PREFIX + randomString(KEY_LENGTH);
        String id = ID_PREFIX + randomString(ID_LENGTH).toLowerCase();
        return new NewKey(id, secret, hash(secret), secret.substring(0, PREFIX_LENGTH));
    }

    /** The hex SHA-256 of a key, as stored and as looked up. */
    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private String randomString(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(KEY_ALPHABET.charAt(random.nextInt(KEY_ALPHABET.length())));
        }
        return text.toString();
    }
}
