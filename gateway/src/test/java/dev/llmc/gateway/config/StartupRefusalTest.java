package dev.llmc.gateway.config;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A production start without required configuration is refused with a message that says what to set. */
class StartupRefusalTest {

    private static StartupRefusedException refusal(Map<String, Object> properties) {
        Throwable thrown = assertThrows(Throwable.class, () -> {
            try (ApplicationContext ignored = ApplicationContext.run(properties)) {
                // starting is the test
            }
        });
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof StartupRefusedException refused) {
                return refused;
            }
        }
        throw new AssertionError("expected a StartupRefusedException, got " + thrown);
    }

    @Test
    void refusesToStartWithoutDatabaseUrlOutsideDevelopmentMode() {
        StartupRefusedException refused = refusal(Map.of(
                "llmc.admin-key", "test-admin-key-0123456789", "micronaut.server.port", -1));

        assertNotNull(refused);
        assertTrue(refused.getMessage().contains("LLMC_DATABASE_URL"), refused.getMessage());
        assertTrue(refused.getMessage().contains("./llmc up"), refused.getMessage());
    }

    @Test
    void refusesAMissingAdminKey() {
        StartupRefusedException refused = assertThrows(StartupRefusedException.class, () -> new AuthConfig(null));

        assertTrue(refused.getMessage().contains("LLMC_ADMIN_KEY"), refused.getMessage());
    }

    @Test
    void refusesAShortAdminKey() {
        assertThrows(StartupRefusedException.class, () -> new AuthConfig("short"));
    }
}
