package dev.llmc.gateway.experts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry's HTTP API round-trips through PostgreSQL. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExpertApiIT extends EmbeddedGatewayTest {
    private final FakeExpertNode node = fakeNode("baking");

    @Inject
    DataSource dataSource;

    @Test
    void registersExpertWithOwnerFromKeyAndDefaultModel() {
        JsonNode expert = http().registerExpert("baking", "Bread and pastry baking expert.", node.baseUrl());

        assertTrue(expert.get("id").asText().startsWith("exp_"));
        assertEquals("baking", expert.get("name").asText());
        assertEquals("Bread and pastry baking expert.", expert.get("description").asText());
        assertEquals("admin", expert.get("owner").asText());
        assertEquals(node.baseUrl(), expert.at("/nodes/0/base_url").asText());
        assertEquals("baking", expert.at("/nodes/0/model").asText());
        assertEquals(1, expert.at("/nodes/0/weight").asInt());
        assertTrue(expert.has("created_at"));
    }

    @Test
    void expertWhoseNodeAnswersTheHealthCheckIsActiveRightAway() {
        JsonNode expert = http().registerExpert("pastry", "Pastry expert.", node.baseUrl());

        assertEquals("active", expert.get("status").asText());
        assertTrue(expert.at("/nodes/0/healthy").asBoolean());
    }

    @Test
    void expertWhoseNodeDoesNotAnswerStaysPending() {
        JsonNode expert = http().registerExpert("offline", "Offline expert.", FakeExpertNode.refusingBaseUrl());

        assertEquals("pending", expert.get("status").asText());
        assertFalse(expert.at("/nodes/0/healthy").asBoolean());
    }

    @Test
    void storesExpertAndItsContentVectorInPostgres() throws SQLException {
        String id = http().registerExpert("sql-tuning", "Expert in tuning SQL queries and indexes.", "http://127.0.0.1:9/v1")
                .get("id").asText();

        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "select name, owner, cardinality(theta) from experts where id = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertTrue(row.next());
                assertEquals("sql-tuning", row.getString(1));
                assertEquals("admin", row.getString(2));
                assertEquals(384, row.getInt(3));
            }
        }
    }

    @Test
    void getsListsAndRetiresAnExpert() {
        String id = http().registerExpert("gardening", "Gardening expert.", "http://127.0.0.1:9/v1").get("id").asText();

        Reply one = http().get("/experts/" + id);
        assertEquals(200, one.status());
        assertEquals("gardening", one.json().get("name").asText());

        Reply list = http().get("/experts");
        assertEquals(200, list.status());
        boolean listed = false;
        for (JsonNode expert : list.json().get("data")) {
            listed |= expert.get("id").asText().equals(id);
        }
        assertTrue(listed, list.body());

        assertEquals(204, http().delete("/experts/" + id).status());
        Reply retired = http().get("/experts/" + id);
        assertEquals(200, retired.status());
        assertEquals("retired", retired.json().get("status").asText());
    }

    @Test
    void rejectsDuplicateNameWithConflict() {
        http().registerExpert("travel", "Travel planning expert.", "http://127.0.0.1:9/v1");

        Reply reply = http().post("/experts", """
                {"name": "travel", "description": "Another travel expert.", "nodes": [{"base_url": "http://127.0.0.1:9/v1"}]}""");

        assertEquals(409, reply.status());
        assertEquals("conflict_error", reply.json().at("/error/type").asText());
        assertTrue(reply.json().at("/error/message").asText().contains("travel"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            reserved name auto | {"name": "auto", "description": "Sneaky.", "nodes": [{"base_url": "http://127.0.0.1:9/v1"}]} | 'auto' is reserved
            unknown field      | {"name": "x1", "description": "d", "owner": "mallory", "nodes": [{"base_url": "http://127.0.0.1:9/v1"}]} | unknown field 'owner'
            node without URL   | {"name": "x2", "description": "d", "nodes": [{"base_url": "file:///etc/passwd"}]} | nodes[0].base_url
            """)
    void rejectsAnInvalidRegistrationWith400NamingTheProblem(String what, String body, String messagePart) {
        Reply reply = http().post("/experts", body);

        assertEquals(400, reply.status(), reply.body());
        assertEquals("invalid_request_error", reply.json().at("/error/type").asText(), reply.body());
        assertTrue(reply.json().at("/error/message").asText().contains(messagePart), reply.body());
    }

    @Test
    void unknownExpertIdIsNotFound() {
        Reply reply = http().delete("/experts/exp_doesnotexist");

        assertEquals(404, reply.status());
        assertEquals("not_found_error", reply.json().at("/error/type").asText());
        assertEquals("expert_not_found", reply.json().at("/error/code").asText());
    }
}
