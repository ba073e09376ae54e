package dev.llmc.gateway.chat;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A node that keeps failing opens its circuit: requests stop reaching it (its expert is routed around) until the open
 * duration is up, then one probe reaches it and, answering, closes the circuit.
 */
@MicronautTest
class CircuitBreakerIT extends EmbeddedGatewayTest {
    private static final String RECIPE = "What is a good recipe for a chocolate cake? How long should it bake in the oven?";
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
                {"model": "auto", "messages": [{"role": "user", "content": "%s"}]}""".formatted(RECIPE));
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
        Thread.sleep(1100);
        assertEquals(1.0, circuit(), "half-open once the open duration is up");
        assertEquals("cooking", expertAnswering(), "the probe reaches the node");
        assertEquals(3, cooking.completions());
        assertEquals(0.0, circuitWithin(2_000, 0.0), "closed after the probe succeeded");
    }

    /**
     * The node client signals a reply's end just after its body reached the caller, so a success is recorded a moment
     * after the reply: wait (up to {@code millis}) for the state to arrive rather than racing it.
     */
    private double circuitWithin(long millis, double expected) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (circuit() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return circuit();
    }
}
