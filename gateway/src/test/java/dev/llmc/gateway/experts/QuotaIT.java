package dev.llmc.gateway.experts;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Collections;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-owner quotas (here 2 experts that are not retired, 2 nodes per expert): exceeding one is 409
 * {@code quota_exceeded} naming the limit and its key; retired experts do not count; admins are exempt.
 */
@MicronautTest
@Timeout(120)
class QuotaIT extends EmbeddedGatewayTest {
    private final FakeExpertNode node = fakeNode("any");

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.quotas.experts-per-owner", "2", "llmc.quotas.nodes-per-expert", "2");
    }

    private GatewayHttp developer(String owner) {
        return issueKey("developer", owner);
    }

    private String nodes(int count) {
        return String.join(",", Collections.nCopies(count, "{\"base_url\": \"" + node.baseUrl() + "\"}"));
    }

    private Reply register(GatewayHttp as, String name, int nodes) {
        return as.post("/experts", """
                {"name": "%s", "description": "d", "nodes": [%s]}""".formatted(name, nodes(nodes)));
    }

    private static void assertQuotaExceeded(Reply reply, String key) {
        assertEquals(409, reply.status(), reply.body());
        assertEquals("quota_exceeded", reply.json().at("/error/code").asText(), reply.body());
        assertEquals("conflict_error", reply.json().at("/error/type").asText(), reply.body());
        assertTrue(reply.json().at("/error/message").asText().contains(key), reply.body());
    }

    private GatewayHttp carol;

    @BeforeAll
    void issueKey() {
        carol = developer("carol");
    }

    @Test
    void anOwnersExpertsBeyondTheQuotaAreRefusedAndRetiredOnesDoNotCount() {
        GatewayHttp dave = developer("dave");
        assertEquals(201, register(dave, "dave-1", 1).status());
        String second = register(dave, "dave-2", 1).json().get("id").asText();

        Reply third = register(dave, "dave-3", 1);
        assertQuotaExceeded(third, "llmc.quotas.experts-per-owner");
        assertTrue(third.json().at("/error/message").asText().contains("2"), third.body());

        assertEquals(204, dave.delete("/experts/" + second).status());
        assertEquals(201, register(dave, "dave-3", 1).status(), "a retired expert frees its place");
        assertEquals(201, register(carol, "carol-1", 1).status(), "quotas are per owner");
    }

    @Test
    void moreNodesThanTheQuotaAreRefusedOnRegistration() {
        assertQuotaExceeded(register(carol, "carol-wide", 3), "llmc.quotas.nodes-per-expert");
    }

    @Test
    void anEditThatAddsNodesBeyondTheQuotaIsRefused() {
        GatewayHttp erin = developer("erin");
        String id = register(erin, "erin-1", 2).json().get("id").asText();

        assertQuotaExceeded(erin.patch("/experts/" + id, "{\"nodes\": [%s]}".formatted(nodes(3))), "llmc.quotas.nodes-per-expert");
        assertEquals(200, erin.patch("/experts/" + id, "{\"nodes\": [%s]}".formatted(nodes(1))).status());
    }

    @Test
    void adminsAreExempt() {
        for (int i = 0; i < 3; i++) {
            Reply reply = register(http(), "admins-" + i, 3);
            assertEquals(201, reply.status(), reply.body());
        }
    }
}
