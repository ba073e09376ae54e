package dev.llmc.gateway.testing;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
            properties.put("llmc.embedded.data-dir", Files.createTempDirectory("llmc-it").toString());
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
