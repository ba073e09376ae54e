package dev.llmc.gateway.chat;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A node that keeps failing opens its circuit: requests stop reaching it (its expert is routed around) until the open
 * duration is up, then one probe reaches it and, answering, closes the circuit.
 */
@MicronautTest
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CircuitBreakerIT extends EmbeddedGatewayTest {
    private final FakeExpertNode cooking = fakeNode("cooking");
    private final FakeExpertNode programming = fakeNode("programming");
    @Inject
    MeterRegistry meters;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.upstream.circuit-failures", "2", "llmc.upstream.circuit-open", "1s",
                "llmc.nodes.health-interval", "1h");
    }

    @BeforeAll
    void registerExperts() {
        http().registerExpert("cooking", RoutingIT.COOKING, cooking.baseUrl());
        http().registerExpert("programming", RoutingIT.PROGRAMMING, programming.baseUrl());
    }

    private String expertAnswering() {
        Reply reply = http().post("/v1/chat/completions", """
                {"model": "auto", "messages": [{"role": "user", "content": "%s"}]}""".formatted(RoutingIT.RECIPE));
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("model").asText();
    }

    private double circuit() {
        return meters.get("llmc.circuit.state").tags("expert", "cooking", "node", "0").gauge().value();
    }

    @Test
    void consecutiveFailuresOpenTheCircuitAndASuccessfulProbeClosesIt() throws InterruptedException {
        cooking.fail(500);
        assertEquals("programming", expertAnswering());
        assertEquals("programming", expertAnswering());
        assertEquals(2, cooking.completions());
        assertEquals(2.0, circuit(), "open after two consecutive failures");

        assertEquals("programming", expertAnswering());
        assertEquals(2, cooking.completions(), "no request reaches a node whose circuit is open");

        cooking.answer();
        await("half-open once the open duration (1 s) is up").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20)).until(() -> circuit() == 1.0);
        assertEquals("cooking", expertAnswering(), "the probe reaches the node");
        assertEquals(3, cooking.completions());
        // The node client signals a reply's end just after its body reached the caller, so the success is recorded a
        // moment after the reply.
        await("closed after the probe succeeded").atMost(Duration.ofSeconds(2)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).until(() -> circuit() == 0.0);
    }
}
