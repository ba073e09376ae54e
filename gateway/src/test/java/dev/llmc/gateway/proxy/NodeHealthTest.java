package dev.llmc.gateway.proxy;

import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;
import dev.llmc.registry.ExpertStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

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
        return expert("exp_1", "e", nodes);
    }

    private static Expert expert(String id, String name, ExpertNode... nodes) {
        return new Expert(id, name, "d", "o", ExpertStatus.ACTIVE, new float[] {1}, List.of(nodes), Instant.EPOCH);
    }

    private double gauge(String expert, int node) {
        return meters.get("llmc.circuit.state").tags("expert", expert, "node", Integer.toString(node)).gauge().value();
    }

    private void fail(Expert expert, int times) {
        for (int i = 0; i < times; i++) {
            try (NodeHealth.Lease lease = health.lease(expert).orElseThrow()) {
                lease.failed();
            }
        }
    }

    @Test
    void leasesTheNodeWithFewestRequestsInFlight() {
        ExpertNode a = new ExpertNode("http://a", "m");
        ExpertNode b = new ExpertNode("http://b", "m");
        Expert expert = expert(a, b);

        NodeHealth.Lease first = health.lease(expert).orElseThrow();
        NodeHealth.Lease second = health.lease(expert).orElseThrow();

        assertTrue(first.index() != second.index(), "the second request goes to the idle node");
        first.close();
        assertEquals(first.index(), health.lease(expert).orElseThrow().index());
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
        assertEquals(0, health.inFlight(expert, 0));
    }

    @Test
    void skipsUnhealthyNodesAndReportsWhenNoneIsLeft() {
        ExpertNode a = new ExpertNode("http://a", "m");
        ExpertNode b = new ExpertNode("http://b", "m");
        Expert expert = expert(a, b);

        health.record(expert, 0, false);
        for (int i = 0; i < 10; i++) {
            try (NodeHealth.Lease lease = health.lease(expert).orElseThrow()) {
                assertEquals(b, lease.node());
            }
        }
        health.record(expert, 1, false);

        assertFalse(health.hasHealthyNode(expert));
        assertTrue(health.lease(expert).isEmpty());
        health.record(expert, 0, true);
        assertTrue(health.hasHealthyNode(expert));
    }

    @Test
    void skipsANodeWhoseBreakerIsOpenUntilItsProbeSucceeds() {
        ExpertNode a = new ExpertNode("http://a", "m");
        ExpertNode b = new ExpertNode("http://b", "m");
        Expert expert = expert(a, b);
        for (int i = 0; i < 2; i++) {
            try (NodeHealth.Lease lease = health.lease(expert, Set.of(1)).orElseThrow()) {
                lease.failed();
            }
        }
        assertEquals(2.0, gauge("e", 0), "open");

        for (int i = 0; i < 10; i++) {
            try (NodeHealth.Lease lease = health.lease(expert).orElseThrow()) {
                assertEquals(b, lease.node());
            }
        }
        assertTrue(health.lease(expert, Set.of(1)).isEmpty());

        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertEquals(1.0, gauge("e", 0), "half-open");
        NodeHealth.Lease probe = health.lease(expert, Set.of(1)).orElseThrow();
        assertEquals(a, probe.node());
        assertTrue(health.lease(expert, Set.of(1)).isEmpty(), "one probe at a time");
        probe.succeeded();
        probe.close();
        assertEquals(0.0, gauge("e", 0), "closed");
    }

    @Test
    void anExpertWhoseOnlyNodeHasAnOpenBreakerHasNoHealthyNode() {
        Expert expert = expert(new ExpertNode("http://a", "m"));

        fail(expert, 2);

        assertFalse(health.hasHealthyNode(expert));
    }

    @Test
    void twoExpertsOnOneBaseUrlHaveIndependentBreakers() {
        Expert alpha = expert("exp_alpha", "alpha", new ExpertNode("http://shared/v1", "m", 1, "v1:alpha-key"));
        Expert beta = expert("exp_beta", "beta", new ExpertNode("http://shared/v1", "m", 1, "v1:wrong-key"));

        fail(beta, 2);

        assertFalse(health.hasHealthyNode(beta));
        assertEquals(2.0, gauge("beta", 0), "beta's breaker is open");
        assertTrue(health.hasHealthyNode(alpha), "alpha's node on the same URL is untouched");
        assertEquals(CircuitBreaker.State.CLOSED, health.circuit(alpha, 0));
        assertTrue(health.lease(alpha).isPresent());
    }

    @Test
    void twoExpertsOnOneBaseUrlHaveIndependentHealthAndInFlightCounts() {
        Expert alpha = expert("exp_alpha", "alpha", new ExpertNode("http://shared/v1", "m"));
        Expert beta = expert("exp_beta", "beta", new ExpertNode("http://shared/v1", "m"));

        health.record(beta, 0, false);
        NodeHealth.Lease lease = health.lease(alpha).orElseThrow();

        assertTrue(health.isHealthy(alpha, 0));
        assertFalse(health.isHealthy(beta, 0));
        assertEquals(1, health.inFlight(alpha, 0));
        assertEquals(0, health.inFlight(beta, 0));
        lease.close();
    }

    @Test
    void outOfRotationMarksOnlyTheLeasedExpertsNode() {
        Expert alpha = expert("exp_alpha", "alpha", new ExpertNode("http://shared/v1", "m"));
        Expert beta = expert("exp_beta", "beta", new ExpertNode("http://shared/v1", "m"));

        try (NodeHealth.Lease lease = health.lease(beta).orElseThrow()) {
            lease.outOfRotation();
        }

        assertFalse(health.isHealthy(beta, 0));
        assertTrue(health.isHealthy(alpha, 0));
    }

    @Test
    void aNodeReplacedByAnEditStartsWithAFreshState() {
        Expert before = expert(new ExpertNode("http://a", "m"));
        health.record(before, 0, false);

        Expert edited = expert(new ExpertNode("http://b", "m"));

        assertTrue(health.isHealthy(edited, 0), "index 0 is another node now");
        health.record(edited, 0, true);
        assertEquals(1, meters.find("llmc.circuit.state").gauges().size(), "one gauge per expert's node");
    }

    @Test
    void forgettingANodeRemovesItsGauge() {
        Expert expert = expert(new ExpertNode("http://a", "m"));
        health.lease(expert).orElseThrow().close();

        health.retainOnly(List.of());

        assertTrue(meters.find("llmc.circuit.state").gauges().isEmpty());
    }

    @Test
    void retainingKeepsTheStateOfNodesStillListed() {
        Expert expert = expert(new ExpertNode("http://a", "m"));
        health.record(expert, 0, false);

        health.retainOnly(List.of(expert));

        assertFalse(health.isHealthy(expert, 0));
    }

    @Test
    void closingALeaseTwiceCountsOnce() {
        Expert expert = expert(new ExpertNode("http://a", "m"));
        NodeHealth.Lease lease = health.lease(expert).orElseThrow();

        lease.close();
        lease.close();

        assertEquals(0, health.inFlight(expert, 0));
    }

    @Test
    void onlyExpertsWithANodeThatFailedAreSuspectsUntilTheNodeRecovers() {
        Expert one = expert("exp_1", "one", new ExpertNode("http://a", "m"), new ExpertNode("http://b", "m"));
        Expert two = expert("exp_2", "two", new ExpertNode("http://c", "m"));
        Expert three = expert("exp_3", "three", new ExpertNode("http://d", "m"));
        health.record(one, 0, true);
        assertEquals(Set.of(), health.expertsWithSuspectNodes(), "all well");

        health.record(one, 1, false);
        fail(two, 1);
        assertTrue(health.hasHealthyNode(two));
        assertEquals(Set.of("exp_1"), health.expertsWithSuspectNodes(), "one failure leaves the breaker closed");
        fail(two, 1);
        try (NodeHealth.Lease lease = health.lease(three).orElseThrow()) {
            lease.outOfRotation();
        }
        assertFalse(health.hasHealthyNode(two));
        assertEquals(Set.of("exp_1", "exp_2", "exp_3"), health.expertsWithSuspectNodes());

        health.record(one, 1, true);
        assertEquals(Set.of("exp_2", "exp_3"), health.expertsWithSuspectNodes(), "a recovered node leaves the set");
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertTrue(health.hasHealthyNode(two), "half-open: a probe may go");
        assertEquals(Set.of("exp_2", "exp_3"), health.expertsWithSuspectNodes(), "half-open is not recovered yet");
        try (NodeHealth.Lease probe = health.lease(two).orElseThrow()) {
            probe.succeeded();
        }
        health.retainOnly(List.of(one, two));
        assertEquals(Set.of(), health.expertsWithSuspectNodes(), "closed again, and a forgotten node is no suspect");
    }
}
