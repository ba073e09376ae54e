package dev.llmc.gateway.experts;

import dev.llmc.gateway.storage.EmbeddedPostgresServer;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway replicas share one PostgreSQL; a change made through one reaches the other within a second through
 * LISTEN/NOTIFY (periodic reloads are slowed to an hour here so they cannot be what delivers it).
 */
@MicronautTest
class PropagationIT extends EmbeddedGatewayTest {
    private static final long ONE_SECOND = 1_000_000_000L;
    private final FakeExpertNode node = new FakeExpertNode("shared");
    private ApplicationContext secondContext;
    private GatewayHttp second;

    @Inject
    EmbeddedPostgresServer postgres;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.routing.registry-refresh", "1h");
    }

    @BeforeAll
    void startSecondReplica() {
        secondContext = ApplicationContext.run(Map.of(
                "micronaut.server.port", "-1",
                "llmc.database.url", postgres.jdbcUrl(),
                "llmc.admin-key", ADMIN_KEY,
                "llmc.secrets-key", SECRETS_KEY,
                "llmc.nodes.allow-loopback", "true",
                "llmc.routing.registry-refresh", "1h"));
        EmbeddedServer server = secondContext.getBean(EmbeddedServer.class).start();
        second = new GatewayHttp(server.getURI(), ADMIN_KEY);
    }

    @AfterAll
    void stopSecondReplica() {
        secondContext.close();
        node.close();
    }

    /** Polls until the reply satisfies the condition; returns the milliseconds it took, failing after a second. */
    private static long within1s(Supplier<Reply> request, Predicate<Reply> condition, String what) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.test(request.get())) {
            if (System.nanoTime() - start > ONE_SECOND) {
                throw new AssertionError("not within 1 s: " + what);
            }
            Thread.sleep(10);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("propagation: %s after %d ms%n", what, millis);
        return millis;
    }

    @Test
    void keyIssuedOnOneReplicaWorksOnTheOtherAndRevocationStopsItWithinOneSecond() throws InterruptedException {
        Reply issued = http().post("/keys", """
                {"role": "developer", "owner": "erin"}""");
        GatewayHttp erinOnSecond = new GatewayHttp(secondUri(), issued.json().get("key").asText());
        within1s(() -> erinOnSecond.get("/experts"), reply -> reply.status() == 200, "new key accepted on the other replica");

        assertEquals(204, http().delete("/keys/" + issued.json().get("id").asText()).status());

        within1s(() -> erinOnSecond.get("/experts"), reply -> reply.status() == 401, "revoked key refused on the other replica");
    }

    @Test
    void expertRegisteredAndPausedOnOneReplicaChangesRoutingOnTheOtherWithinOneSecond() throws InterruptedException {
        String id = http().registerExpert("replicated", "Replicated expert.", node.baseUrl()).get("id").asText();
        within1s(() -> second.get("/v1/models"), reply -> reply.body().contains("\"replicated\""),
                "new expert routable on the other replica");

        assertEquals(200, http().patch("/experts/" + id, """
                {"status": "paused"}""").status());

        within1s(() -> second.get("/v1/models"), reply -> !reply.body().contains("\"replicated\""),
                "paused expert gone from the other replica");
        assertTrue(second.get("/experts/" + id).body().contains("paused"));
    }

    private java.net.URI secondUri() {
        return secondContext.getBean(EmbeddedServer.class).getURI();
    }
}
