package dev.llmc.gateway.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyGeneratorTest {
    private final KeyGenerator generator = new KeyGenerator();

    @Test
    void generatesAPrefixedSecretAndIdOfFixedLength() {
        KeyGenerator.NewKey key = generator.generate();
        assertTrue(key.secret().matches("llmc_[A-Za-z0-9]{40}"), key.secret());
        assertTrue(key.id().matches("key_[a-z0-9]{20}"), key.id());
        assertEquals(key.secret().substring(0, 9), key.prefix());
    }

    @Test
    void storesOnlyTheSha256OfTheSecret() {
        KeyGenerator.NewKey key = generator.generate();
        assertEquals(KeyGenerator.hash(key.secret()), key.hash());
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KeyGenerator.hash("abc"));
    }

    @Test
    void neverRepeatsASecret() {
        assertNotEquals(generator.generate().secret(), generator.generate().secret());
    }

    @Test
    void keepsTheSecretOutOfToString() {
        KeyGenerator.NewKey key = generator.generate();
        assertFalse(key.toString().contains(key.secret()));
    }
}
