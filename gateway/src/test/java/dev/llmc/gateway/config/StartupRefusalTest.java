package dev.llmc.gateway.config;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

        assertTrue(refused.getMessage().contains("LLMC_DATABASE_URL (llmc.database.url) is not set"), refused.getMessage());
        assertTrue(refused.getMessage().contains("./llmc up"), refused.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0", "65536", "-1"})
    void refusesAManagementPortThatIsNoPortNamingItsKey(int port) {
        StartupRefusedException refused = assertThrows(StartupRefusedException.class, () -> new ManagementConfig(port));

        assertTrue(refused.getMessage().startsWith("llmc.management.port "), refused.getMessage());
        assertTrue(refused.getMessage().endsWith("was " + port), refused.getMessage());
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

    @ParameterizedTest(name = "{0}")
    @CsvSource({"threads, -1, 0", "workers, 1, -1"})
    void refusesAnInvalidEncoderSettingNamingItsKey(String key, int threads, int workers) {
        StartupRefusedException refused = assertThrows(StartupRefusedException.class, () -> new EncoderConfig("in-process",
                "minilm", null, 128, threads, Duration.ofSeconds(5), Duration.ofMillis(2), 16, 16, 128, workers));

        assertTrue(refused.getMessage().startsWith("llmc.encoder." + key + " "), refused.getMessage());
    }

    @Test
    void refusesAnUnknownEncoderModelNamingTheChoices() {
        StartupRefusedException refused = assertThrows(StartupRefusedException.class, () -> new EncoderConfig("in-process",
                "bert", null, 128, 1, Duration.ofSeconds(5), Duration.ofMillis(2), 16, 16, 128, 0));

        assertEquals("llmc.encoder.model must be 'static' or 'minilm', was 'bert'", refused.getMessage());
    }

    @Test
    void zeroEncoderThreadsMeansOnePerCore() {
        EncoderConfig config = new EncoderConfig("in-process", "minilm", null, 128, 0, Duration.ofSeconds(5), Duration.ofMillis(2), 16, 16, 128, 0);

        assertEquals(Runtime.getRuntime().availableProcessors(), config.settings().effectiveThreads());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"policy, bandit, 0.1, 1000", "epsilon, greedy, 1.5, 1000", "samples, linear-thompson, 0.1, 0"})
    void refusesAnInvalidExplorationSettingNamingItsKey(String key, String policy, double epsilon, int samples) {
        StartupRefusedException refused = assertThrows(StartupRefusedException.class, () -> new ExplorationConfig(policy,
                epsilon, 0.05, 1.0, 0.25, samples, Duration.ofSeconds(1)));

        assertTrue(refused.getMessage().startsWith("llmc.routing.exploration." + key + " "), refused.getMessage());
        assertTrue(refused.getMessage().indexOf('\n') < 0, "one line: " + refused.getMessage());
    }

    @Test
    void anUnknownExplorationPolicyListsTheKnownOnes() {
        StartupRefusedException refused = assertThrows(StartupRefusedException.class, () -> new ExplorationConfig("linear_thompson",
                0.1, 0.05, 1.0, 0.25, 1000, Duration.ofSeconds(1)));

        assertEquals("llmc.routing.exploration.policy must be one of greedy, epsilon-greedy, thompson, linear-thompson; "
                + "was 'linear_thompson'", refused.getMessage());
    }
}
