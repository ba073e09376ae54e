package dev.llmc.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admins issue, list and revoke keys; the secret is shown once and stored only as a hash; roles are enforced. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KeysIT extends EmbeddedGatewayTest {

    @Inject
    DataSource dataSource;

    private JsonNode issue(String role, String owner) {
        Reply reply = http().post("/keys", """
                {"role": "%s", "owner": "%s"}""".formatted(role, owner));
        assertEquals(201, reply.status(), reply.body());
        return reply.json();
    }

    @Test
    void issuedKeyIsShownOnceWithRoleAndOwner() {
        JsonNode key = issue("developer", "alice");

        assertTrue(key.get("id").asText().startsWith("key_"), key.toString());
        assertTrue(key.get("key").asText().startsWith("llmc_") && key.get("key").asText().length() > 40, key.toString());
        assertEquals("developer", key.get("role").asText());
        assertEquals("alice", key.get("owner").asText());
    }

    @Test
    void issuedKeyAuthenticatesWithItsRole() {
        String developer = issue("developer", "bob").get("key").asText();

        assertEquals(200, http(developer).get("/experts").status());
        assertEquals(403, http(developer).get("/keys").status());
    }

    @Test
    void listShowsKeysWithoutSecrets() {
        JsonNode key = issue("app", "chat-app");

        Reply list = http().get("/keys");

        assertEquals(200, list.status());
        assertFalse(list.body().contains(key.get("key").asText()), "secret leaked in the list");
        boolean found = false;
        for (JsonNode listed : list.json().get("data")) {
            if (listed.get("id").asText().equals(key.get("id").asText())) {
                found = true;
                assertFalse(listed.has("key"));
                assertEquals("app", listed.get("role").asText());
                assertEquals(key.get("key").asText().substring(0, 9), listed.get("prefix").asText());
                assertTrue(listed.get("revoked_at").isNull());
            }
        }
        assertTrue(found, list.body());
    }

    @Test
    void databaseHoldsOnlyTheHashOfAKey() throws SQLException {
        JsonNode key = issue("app", "hash-check");

        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("select key_hash from api_keys where id = ?")) {
            query.setString(1, key.get("id").asText());
            try (ResultSet row = query.executeQuery()) {
                assertTrue(row.next());
                assertEquals(64, row.getString(1).length());
                assertFalse(row.getString(1).contains(key.get("key").asText()));
            }
        }
    }

    @Test
    void revokedKeyStopsWorkingWithinOneSecond() throws InterruptedException {
        JsonNode key = issue("developer", "carol");
        dev.llmc.gateway.testing.GatewayHttp carol = http(key.get("key").asText());
        assertEquals(200, carol.get("/experts").status());

        assertEquals(204, http().delete("/keys/" + key.get("id").asText()).status());

        await("the revoked key is refused").atMost(Duration.ofSeconds(1)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20)).until(() -> carol.get("/experts").status() == 401);
        assertFalse(http().get("/keys").json().findValues("revoked_at").stream().allMatch(JsonNode::isNull));
    }

    @Test
    void revokingAnUnknownKeyIsNotFound() {
        Reply reply = http().delete("/keys/key_missing");

        assertEquals(404, reply.status());
        assertEquals("key_not_found", reply.json().at("/error/code").asText());
    }

    @Test
    void onlyAdminsManageKeys() {
        for (String role : new String[] {"app", "developer", "data-scientist"}) {
            String key = issue(role, "someone").get("key").asText();

            Reply reply = http(key).post("/keys", """
                    {"role": "admin", "owner": "mallory"}""");

            assertEquals(403, reply.status(), role);
            assertEquals("permission_error", reply.json().at("/error/type").asText());
        }
    }

    @Test
    void adminCanIssueAnotherAdminKey() {
        String admin = issue("admin", "ops").get("key").asText();

        assertEquals(200, http(admin).get("/keys").status());
    }

    @Test
    void rejectsUnknownRoleNamingTheField() {
        Reply reply = http().post("/keys", """
                {"role": "root", "owner": "x"}""");

        assertEquals(400, reply.status());
        assertTrue(reply.json().at("/error/message").asText().startsWith("role must be one of"), reply.body());
    }

    @Test
    void rejectsMissingOrMalformedOwner() {
        assertEquals(400, http().post("/keys", """
                {"role": "app"}""").status());
        Reply reply = http().post("/keys", """
                {"role": "app", "owner": "has spaces"}""");
        assertEquals(400, reply.status());
        assertTrue(reply.json().at("/error/message").asText().startsWith("owner must be"), reply.body());
    }

    @Test
    void rejectsUnknownField() {
        Reply reply = http().post("/keys", """
                {"role": "app", "owner": "x", "expires": "never"}""");

        assertEquals(400, reply.status());
        assertEquals("unknown field 'expires'", reply.json().at("/error/message").asText());
    }

    @Test
    void forgedKeyIsUnauthorized() {
        Reply reply = http("llmc_" + "A".repeat(40)).get("/experts");

        assertEquals(401, reply.status());
        assertEquals("authentication_error", reply.json().at("/error/type").asText());
    }
}
