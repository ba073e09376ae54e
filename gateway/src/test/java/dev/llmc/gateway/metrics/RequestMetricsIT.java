package dev.llmc.gateway.metrics;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code llmc.requests} by route template, status and expert, and {@code llmc.encoder.latency}, on /prometheus. */
@MicronautTest
class RequestMetricsIT extends EmbeddedGatewayTest {
    private final FakeExpertNode node = fakeNode("metered");
    private String expertId;

    @BeforeAll
    void setUp() {
        expertId = http().registerExpert("metered", "Metered expert: answers anything", node.baseUrl()).get("id").asText();
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
                    {"model": "auto", "messages": [{"role": "user", "content": "hello number %d"}]}""".formatted(i));
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
    void timesTheEncoderForRoutedTurns() {
        double before = sample("llmc_encoder_latency_seconds_count", "");

        http().post("/v1/chat/completions", """
                {"model": "auto", "messages": [{"role": "user", "content": "encode me"}]}""");

        assertEquals(before + 1, sample("llmc_encoder_latency_seconds_count", ""));
    }
}
