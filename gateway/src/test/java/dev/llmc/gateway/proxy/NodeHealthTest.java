package dev.llmc.gateway.proxy;

import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;
import dev.llmc.registry.ExpertStatus;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeHealthTest {
    private final AtomicLong now = new AtomicLong();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final NodeHealth health = new NodeHealth(2, Duration.ofSeconds(30), now::get, meters);

    private static Expert expert(ExpertNode... nodes) {
        return new Expert("exp_1", "e", "d", "o", ExpertStatus.ACTIVE, new float[] {1}, List.of(nodes), Instant.EPOCH);
    }

    @Test
    void leasesTheNodeWithFewestRequestsInFlight() {
        ExpertNode a = new ExpertNode("http://a", "m");
        ExpertNode b = new ExpertNode("http://b", "m");
        Expert expert = expert(a, b);

        NodeHealth.Lease first = health.lease(expert).orElseThrow();
        NodeHealth.Lease second = health.lease(expert).orElseThrow();

        assertTrue(first.node() != second.node(), "the second request goes to the idle node");
        first.close();
        assertEquals(first.node(), health.lease(expert).orElseThrow().node());
    }

    @Test
    void spreadsConcurrentRequestsInProportionToWeight() {
        ExpertNode heavy = new ExpertNode("http://heavy", "m", 3, null);
        ExpertNode light = new ExpertNode("http://light", "m", 1, null);
        Expert expert = expert(heavy, light);
        List<NodeHealth.Lease> open = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();

        for (int i = 0; i < 400; i++) {
            NodeHealth.Lease lease = health.lease(expert).orElseThrow();
            open.add(lease);
            counts.merge(lease.node().baseUrl(), 1, Integer::sum);
        }

        assertEquals(300, counts.get("http://heavy"), 1);
        assertEquals(100, counts.get("http://light"), 1);
        open.forEach(NodeHealth.Lease::close);
        assertEquals(0, health.inFlight(heavy));
    }

    @Test
    void skipsUnhealthyNodesAndReportsWhenNoneIsLeft() {
        ExpertNode a = new ExpertNode("http://a", "m");
        ExpertNode b = new ExpertNode("http://b", "m");
        Expert expert = expert(a, b);

        health.record(a, false);
        for (int i = 0; i < 10; i++) {
            try (NodeHealth.Lease lease = health.lease(expert).orElseThrow()) {
                assertEquals(b, lease.node());
            }
        }
        health.record(b, false);

        assertFalse(health.hasHealthyNode(expert));
        assertTrue(health.lease(expert).isEmpty());
        health.record(a, true);
        assertTrue(health.hasHealthyNode(expert));
    }

    @Test
    void skipsANodeWhoseBreakerIsOpenUntilItsProbeSucceeds() {
        ExpertNode a = new ExpertNode("http://a", "m");
        ExpertNode b = new ExpertNode("http://b", "m");
        Expert expert = expert(a, b);
        for (int i = 0; i < 2; i++) {
            try (NodeHealth.Lease lease = health.lease(expert, Set.of("http://b")).orElseThrow()) {
                lease.failed();
            }
        }
        assertEquals(2.0, meters.get("llmc.circuit.state").tag("node", "http://a").gauge().value(), "open");

        for (int i = 0; i < 10; i++) {
            try (NodeHealth.Lease lease = health.lease(expert).orElseThrow()) {
                assertEquals(b, lease.node());
            }
        }
        assertTrue(health.lease(expert, Set.of("http://b")).isEmpty());

        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertEquals(1.0, meters.get("llmc.circuit.state").tag("node", "http://a").gauge().value(), "half-open");
        NodeHealth.Lease probe = health.lease(expert, Set.of("http://b")).orElseThrow();
        assertEquals(a, probe.node());
        assertTrue(health.lease(expert, Set.of("http://b")).isEmpty(), "one probe at a time");
        probe.succeeded();
        probe.close();
        assertEquals(0.0, meters.get("llmc.circuit.state").tag("node", "http://a").gauge().value(), "closed");
    }

    @Test
    void anExpertWhoseOnlyNodeHasAnOpenBreakerHasNoHealthyNode() {
        ExpertNode a = new ExpertNode("http://a", "m");
        Expert expert = expert(a);
        for (int i = 0; i < 2; i++) {
            try (NodeHealth.Lease lease = health.lease(expert).orElseThrow()) {
                lease.failed();
            }
        }

        assertFalse(health.hasHealthyNode(expert));
    }

    @Test
    void forgettingANodeRemovesItsGauge() {
        ExpertNode a = new ExpertNode("http://a", "m");
        health.lease(expert(a)).orElseThrow().close();

        health.retainOnly(List.of());

        assertTrue(meters.find("llmc.circuit.state").gauges().isEmpty());
    }

    @Test
    void closingALeaseTwiceCountsOnce() {
        ExpertNode a = new ExpertNode("http://a", "m");
        NodeHealth.Lease lease = health.lease(expert(a)).orElseThrow();

        lease.close();
        lease.close();

        assertEquals(0, health.inFlight(a));
    }
}
