package dev.llmc.gateway.metrics;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code llmc.requests} by route template, status and expert, and {@code llmc.encoder.latency}, on /prometheus. */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RequestMetricsIT extends EmbeddedGatewayTest {
    private static final Duration SLOW_REPLY = Duration.ofMillis(300);
    private final FakeExpertNode node = fakeNode("metered");
    private final FakeExpertNode slow = fakeNode("slow").chunkDelay(SLOW_REPLY);
    private String expertId;

    @BeforeAll
    void setUp() {
        expertId = http().registerExpert("metered", "Metered expert: answers anything", node.baseUrl()).get("id").asText();
        http().registerExpert("slow", "Slow expert: takes its time", slow.baseUrl());
    }

    private double sample(String metric, String labels) {
        String text = http().send(http().request("/prometheus", null).GET()).body();
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(labels.isEmpty() ? metric : metric + "{" + labels + "}") + " (\\S+)$").matcher(text);
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }

    @Test
    void countsChatRequestsByRouteStatusAndExpert() {
        String labels = "expert=\"metered\",method=\"POST\",route=\"/v1/chat/completions\",status=\"200\"";
        double before = sample("llmc_requests_seconds_count", labels);

        for (int i = 0; i < 3; i++) {
            Reply reply = http().post("/v1/chat/completions", """
                    {"model": "metered", "messages": [{"role": "user", "content": "hello number %d"}]}""".formatted(i));
            assertEquals(200, reply.status(), reply.body());
        }

        assertEquals(before + 3, sample("llmc_requests_seconds_count", labels));
        assertTrue(sample("llmc_requests_seconds_sum", labels) > 0);
    }

    @Test
    void usesTheRouteTemplateNotTheRawPathAndNoneForRequestsWithoutAnExpert() {
        String labels = "expert=\"none\",method=\"GET\",route=\"/experts/{id}\",status=\"200\"";
        double before = sample("llmc_requests_seconds_count", labels);

        assertEquals(200, http().get("/experts/" + expertId).status());

        assertEquals(before + 1, sample("llmc_requests_seconds_count", labels));
    }

    @Test
    void countsErrorsWithTheirStatus() {
        String labels = "expert=\"none\",method=\"POST\",route=\"/v1/chat/completions\",status=\"400\"";
        double before = sample("llmc_requests_seconds_count", labels);

        assertEquals(400, http().post("/v1/chat/completions", "{\"model\": \"auto\"}").status());

        assertEquals(before + 1, sample("llmc_requests_seconds_count", labels));
    }

    @Test
    void gatewayOverheadTimesEachChatTurnWithoutTheNodesTime() {
        String slowTurns = "expert=\"slow\",method=\"POST\",route=\"/v1/chat/completions\",status=\"200\"";
        double requestSeconds = sample("llmc_requests_seconds_sum", slowTurns);
        double overheadCount = sample("llmc_gateway_overhead_seconds_count", "");
        double overheadSeconds = sample("llmc_gateway_overhead_seconds_sum", "");

        for (boolean stream : List.of(false, true)) {
            Reply reply = http().post("/v1/chat/completions", """
                    {"model": "slow", "stream": %s, "messages": [{"role": "user", "content": "take your time"}]}""".formatted(stream));
            assertEquals(200, reply.status(), reply.body());
        }
        assertEquals(200, http().get("/experts/" + expertId).status());

        double waited = 2 * SLOW_REPLY.toMillis() / 1000.0;
        assertTrue(sample("llmc_requests_seconds_sum", slowTurns) - requestSeconds >= waited, "both turns waited on the node");
        assertEquals(overheadCount + 2, sample("llmc_gateway_overhead_seconds_count", ""), "one sample per chat turn, none for other requests");
        double overhead = sample("llmc_gateway_overhead_seconds_sum", "") - overheadSeconds;
        assertTrue(overhead >= 0 && overhead < waited / 2, "the node's " + waited + " s are not the gateway's overhead: " + overhead + " s");
    }

    @Test
    void timesTheEncoderForRoutedTurns() {
        double before = sample("llmc_encoder_latency_seconds_count", "");

        http().post("/v1/chat/completions", """
                {"model": "auto", "messages": [{"role": "user", "content": "encode me"}]}""");

        assertEquals(before + 1, sample("llmc_encoder_latency_seconds_count", ""));
    }
}
