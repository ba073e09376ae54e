package dev.llmc.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Developers see and change only their own experts (others' answer 404); other roles get 403; no key 401. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OwnershipAndRolesIT extends EmbeddedGatewayTest {
    private final FakeExpertNode node = fakeNode("any");
    private GatewayHttp alice;
    private GatewayHttp bob;
    private GatewayHttp app;
    private GatewayHttp scientist;
    private String alicesExpert;

    @BeforeAll
    void issueKeysAndRegister() {
        alice = issueKey("developer", "alice");
        bob = issueKey("developer", "bob");
        app = issueKey("app", "chat-app");
        scientist = issueKey("data-scientist", "dana");
        alicesExpert = alice.registerExpert("alices-expert", "Alice's cooking expert.", node.baseUrl()).get("id").asText();
    }

    @Test
    void expertOwnerIsTheOwnerOfTheKeyThatCreatedIt() {
        assertEquals("alice", alice.get("/experts/" + alicesExpert).json().get("owner").asText());
    }

    @Test
    void developerListsOnlyOwnExperts() {
        bob.registerExpert("bobs-expert", "Bob's expert.", node.baseUrl());

        List<String> owners = new ArrayList<>();
        bob.get("/experts").json().get("data").forEach(expert -> owners.add(expert.get("owner").asText()));

        assertFalse(owners.isEmpty());
        assertTrue(owners.stream().allMatch("bob"::equals), owners.toString());
    }

    @Test
    void anotherDevelopersExpertIsNotFoundForEveryOperation() {
        List<Reply> replies = List.of(
                bob.get("/experts/" + alicesExpert),
                bob.patch("/experts/" + alicesExpert, """
                        {"status": "paused"}"""),
                bob.delete("/experts/" + alicesExpert),
                bob.get("/experts/" + alicesExpert + "/stats"));

        for (Reply reply : replies) {
            assertEquals(404, reply.status(), reply.body());
            assertEquals("expert_not_found", reply.json().at("/error/code").asText());
        }
        assertEquals("active", alice.get("/experts/" + alicesExpert).json().get("status").asText());
    }

    @Test
    void notFoundForSomeoneElsesExpertLooksLikeAMissingOne() {
        Reply someoneElses = bob.get("/experts/" + alicesExpert);
        Reply missing = bob.get("/experts/exp_doesnotexist");

        assertEquals(missing.json().at("/error/message").asText().replace("exp_doesnotexist", alicesExpert),
                someoneElses.json().at("/error/message").asText());
    }

    @Test
    void adminSeesAndChangesAnyExpert() {
        assertEquals(200, http().get("/experts/" + alicesExpert).status());
        boolean listed = false;
        for (JsonNode expert : http().get("/experts").json().get("data")) {
            listed |= expert.get("id").asText().equals(alicesExpert);
        }
        assertTrue(listed);
    }

    @Test
    void appAndDataScientistKeysMayNotManageExperts() {
        for (GatewayHttp caller : List.of(app, scientist)) {
            Reply list = caller.get("/experts");
            Reply register = caller.post("/experts", """
                    {"name": "sneaky", "description": "d", "nodes": [{"base_url": "%s"}]}""".formatted(node.baseUrl()));

            assertEquals(403, list.status(), list.body());
            assertEquals("permission_error", list.json().at("/error/type").asText());
            assertEquals("insufficient_role", list.json().at("/error/code").asText());
            assertEquals(403, register.status(), register.body());
        }
    }

    @Test
    void wrongRoleIsRejectedBeforeTheBodyIsRead() {
        Reply reply = app.post("/experts", "{not json");

        assertEquals(403, reply.status(), reply.body());
    }

    @Test
    void missingOrBadKeyIsUnauthorizedOnRegistryEndpoints() {
        assertEquals(401, http().send(http().request("/experts", null).GET()).status());
        assertEquals(401, http("bad-key").get("/experts/" + alicesExpert).status());
        assertEquals(401, http("bad-key").get("/keys").status());
    }

    @Test
    void endpointsWithoutARoleAnnotationAreAdminOnly() {
        // /controller/versions carries no @RequiresRole yet: it must fail closed.
        assertEquals(403, alice.get("/controller/versions").status());
        assertEquals(200, http().get("/controller/versions").status());
    }
}
