package dev.llmc.gateway.testing;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Base for integration tests: the whole gateway on a random port with a real embedded PostgreSQL and Redis
 * in a fresh data directory, and the real in-process encoder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EmbeddedGatewayTest implements TestPropertyProvider {
    public static final String ADMIN_KEY = "test-admin-key-0123456789";
    public static final String SECRETS_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    @Inject
    protected EmbeddedServer server;

    private GatewayHttp http;
    private final List<FakeExpertNode> fakeNodes = new ArrayList<>();

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = new HashMap<>();
        try {
            Path dataDir = Files.createTempDirectory("llmc-it");
            // PostgreSQL and Redis stop with the application context, after this class's last test: remove their data
            // when the test JVM exits (thousands of runs of 40 MB and more each filled the shared disk).
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dataDir)));
            properties.put("llmc.embedded.data-dir", dataDir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        properties.put("llmc.embedded.enabled", "true");
        // A random port: other builds on the machine may hold the default 8080.
        properties.put("micronaut.server.port", "-1");
        properties.put("llmc.admin-key", ADMIN_KEY);
        // Fake expert nodes listen on 127.0.0.1, which production refuses by default.
        properties.put("llmc.nodes.allow-loopback", "true");
        properties.put("llmc.secrets-key", SECRETS_KEY);
        properties.putAll(extraProperties());
        return properties;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Best effort at exit: a leftover temporary directory is harmless.
        }
    }

    /** Properties a test class adds or overrides. */
    protected Map<String, String> extraProperties() {
        return Map.of();
    }

    /** HTTP as the caller holding {@code key}. */
    protected GatewayHttp http(String key) {
        return new GatewayHttp(server.getURI(), key);
    }

    protected GatewayHttp http() {
        if (http == null) {
            http = new GatewayHttp(server.getURI(), ADMIN_KEY);
        }
        return http;
    }

    /** HTTP as a freshly issued key of {@code role} ({@code app}, {@code developer}, …) and {@code owner}. */
    protected GatewayHttp issueKey(String role, String owner) {
        GatewayHttp.Reply reply = http().post("/keys", """
                {"role": "%s", "owner": "%s"}""".formatted(role, owner));
        if (reply.status() != 201) {
            throw new AssertionError("could not issue a " + role + " key: " + reply.status() + " " + reply.body());
        }
        return http(reply.json().get("key").asText());
    }

    /** A fake expert node answering as {@code name}, closed after the class's last test. */
    protected FakeExpertNode fakeNode(String name) {
        FakeExpertNode node = new FakeExpertNode(name);
        fakeNodes.add(node);
        return node;
    }

    @AfterAll
    void closeFakeNodes() {
        fakeNodes.forEach(FakeExpertNode::close);
    }
}
