package dev.llmc.gateway.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeyRulesTest {
    private static final Caller.Limits DEFAULT_LIMITS = new Caller.Limits(null, null);

    @ParameterizedTest
    @CsvSource({"app, APP", "developer, DEVELOPER", "data-scientist, DATA_SCIENTIST", "admin, ADMIN"})
    void acceptsEveryRoleByItsWireName(String role, Caller.Role expected) {
        assertEquals(expected, KeyRules.validate(role, "alice@example.org", DEFAULT_LIMITS));
    }

    @Test
    void refusesAnUnknownRoleNamingTheRoleField() {
        InvalidKeyRequestException refused = assertThrows(InvalidKeyRequestException.class,
                () -> KeyRules.validate("wizard", "alice", DEFAULT_LIMITS));
        assertEquals("role", refused.field());
        assertFalse(refused.retryable());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-alice", "team:alice", "has space"})
    void refusesAMalformedOwnerNamingTheOwnerField(String owner) {
        assertEquals("owner", assertThrows(InvalidKeyRequestException.class,
                () -> KeyRules.validate("app", owner, DEFAULT_LIMITS)).field());
    }

    @Test
    void refusesANegativeLimitNamingIt() {
        assertEquals("tokens_per_minute", assertThrows(InvalidKeyRequestException.class,
                () -> KeyRules.validate("app", "alice", new Caller.Limits(10L, -1L))).field());
    }

    @Test
    void acceptsZeroAsUnlimited() {
        assertEquals(Caller.Role.APP, KeyRules.validate("app", "alice", new Caller.Limits(0L, 0L)));
    }
}
