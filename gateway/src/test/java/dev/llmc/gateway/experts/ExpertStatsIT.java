package dev.llmc.gateway.experts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An expert's owner reads messages served, mean rating and retry rate, for the last 24 hours and all time, from the event log. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExpertStatsIT extends EmbeddedGatewayTest {
    private final FakeExpertNode node = fakeNode("stats");
    private String id;

    @Inject
    DataSource dataSource;

    @BeforeAll
    void registerAndLogTraffic() throws SQLException {
        id = http().registerExpert("measured", "Measured expert.", node.baseUrl()).get("id").asText();
        Instant now = Instant.now();
        exposure("m1", now.minus(Duration.ofHours(1)));
        exposure("m2", now.minus(Duration.ofHours(2)));
        exposure("m3", now.minus(Duration.ofHours(3)));
        exposure("m4", now.minus(Duration.ofDays(3)));
        signal("m1", "rating", 5);
        signal("m2", "rating", 2);
        signal("m2", "retry", null);
        signal("m4", "rating", 1);
        signal("m4", "retry", null);
    }

    private void exposure(String messageId, Instant servedAt) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                insert into exposures (message_id, user_id, conversation_id, turn, controller_version, expert_id,
                                       expert_name, score, propensity, latency_ms, served_at)
                values (?, 'u', 'c', 0, 'content', ?, 'measured', 0.5, 1.0, 10, ?)""")) {
            insert.setString(1, messageId);
            insert.setString(2, id);
            insert.setObject(3, OffsetDateTime.ofInstant(servedAt, ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }

    private void signal(String messageId, String type, Integer value) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "insert into signals (message_id, type, value, received_at) values (?, ?, ?, now())")) {
            insert.setString(1, messageId);
            insert.setString(2, type);
            insert.setObject(3, value == null ? null : value.floatValue());
            insert.executeUpdate();
        }
    }

    @Test
    void reportsTheLast24HoursAndAllTime() {
        Reply reply = http().get("/experts/" + id + "/stats");

        assertEquals(200, reply.status(), reply.body());
        JsonNode day = reply.json().get("last_24h");
        assertEquals(3, day.get("messages_served").asLong());
        assertEquals(2, day.get("ratings").asLong());
        assertEquals(3.5, day.get("mean_rating").asDouble(), 1e-9);
        assertEquals(1, day.get("retries").asLong());
        assertEquals(1.0 / 3, day.get("retry_rate").asDouble(), 1e-9);
        JsonNode all = reply.json().get("all_time");
        assertEquals(4, all.get("messages_served").asLong());
        assertEquals(8.0 / 3, all.get("mean_rating").asDouble(), 1e-6);
        assertEquals(0.5, all.get("retry_rate").asDouble(), 1e-9);
        assertEquals("measured", reply.json().get("name").asText());
    }

    @Test
    void expertWithoutTrafficHasZeroCountsAndNoMeans() {
        String quiet = http().registerExpert("quiet", "Quiet expert.", node.baseUrl()).get("id").asText();

        JsonNode day = http().get("/experts/" + quiet + "/stats").json().get("last_24h");

        assertEquals(0, day.get("messages_served").asLong());
        assertTrue(day.get("mean_rating").isNull());
        assertTrue(day.get("retry_rate").isNull());
    }
}
