package dev.llmc.gateway.proxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.config.UpstreamConfig;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;
import dev.llmc.registry.ExpertStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failover's way down the ranking, against in-memory nodes: retry once on another node, then the next expert. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FailoverTest {
    private static final ObjectNode REQUEST = JsonNodeFactory.instance.objectNode().put("model", "auto");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final NodeHealth health = new NodeHealth(5, Duration.ofSeconds(30), System::nanoTime, meters);
    private final FakeNodes nodes = new FakeNodes();
    private final Failover failover = new Failover(health, nodes, meters,
            new UpstreamConfig(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5), 5, Duration.ofSeconds(30), 1 << 20));

    /** An expert whose nodes are {@code <name>-0}, {@code <name>-1}, …, all serving the model {@code <name>}. */
    private static Expert expert(String name, int nodeCount) {
        List<ExpertNode> list = java.util.stream.IntStream.range(0, nodeCount)
                .mapToObj(i -> new ExpertNode("http://" + name + "-" + i, name)).toList();
        return new Expert("exp_" + name, name, "d", "o", ExpertStatus.ACTIVE, new float[] {1}, list, Instant.EPOCH);
    }

    private static UpstreamException failure(UpstreamException.Kind kind, int status) {
        return new UpstreamException(kind, kind.tag(), null, status, status > 0 ? "node says no" : null);
    }

    /**
     * Nodes in memory. Each call to a node of expert {@code name} takes the next scripted outcome for that expert
     * (whichever of its nodes is called) or, when none is left, answers with a completion naming the node.
     */
    private static final class FakeNodes implements NodeClient {
        final List<String> calls = new CopyOnWriteArrayList<>();
        private final Map<String, Deque<UpstreamException>> failures = new HashMap<>();

        void fail(String expert, UpstreamException... outcomes) {
            failures.computeIfAbsent(expert, e -> new ArrayDeque<>()).addAll(List.of(outcomes));
        }

        private synchronized UpstreamException next(ExpertNode node) {
            calls.add(node.baseUrl());
            Deque<UpstreamException> scripted = failures.get(node.model());
            return scripted == null ? null : scripted.poll();
        }

        private static ObjectNode reply(ExpertNode node, String text) {
            return JsonNodeFactory.instance.objectNode().put("node", node.baseUrl()).put("text", text);
        }

        @Override
        public Mono<ObjectNode> complete(ExpertNode node, ObjectNode request) {
            return Mono.defer(() -> {
                UpstreamException failure = next(node);
                return failure != null ? Mono.error(failure) : Mono.just(reply(node, "whole"));
            });
        }

        @Override
        public Flux<ObjectNode> stream(ExpertNode node, ObjectNode request) {
            return Flux.defer(() -> {
                UpstreamException failure = next(node);
                return failure != null ? Flux.error(failure) : Flux.just(reply(node, "chunk 1"), reply(node, "chunk 2"));
            });
        }
    }

    private Failover.Opened complete(Expert... ranking) {
        return failover.complete(List.of(ranking), REQUEST, "msg_test").block(WAIT);
    }

    private UpstreamException failureOf(Expert... ranking) {
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> complete(ranking));
        assertTrue(thrown.getCause() instanceof UpstreamException, String.valueOf(thrown));
        return (UpstreamException) thrown.getCause();
    }

    @Test
    void servesTheFirstExpertWhenItsNodeAnswers() {
        Failover.Opened opened = complete(expert("alpha", 1), expert("beta", 1));

        assertEquals(0, opened.rank());
        assertEquals("alpha", opened.expert().name());
        assertEquals(List.of("http://alpha-0"), nodes.calls);
    }

    @Test
    void retriesOnceOnAnotherNodeOfTheSameExpert() {
        nodes.fail("alpha", failure(UpstreamException.Kind.TIMEOUT, 0));

        Failover.Opened opened = complete(expert("alpha", 2), expert("beta", 1));

        assertEquals("alpha", opened.expert().name());
        assertEquals(2, nodes.calls.size());
        assertNotEquals(nodes.calls.get(0), nodes.calls.get(1), "the retry goes to the other node");
        assertEquals(1.0, meters.get("llmc.fallbacks").tag("kind", "retry").counter().count());
    }

    @Test
    void fallsBackToTheNextExpertAfterTheRetryFails() {
        nodes.fail("alpha", failure(UpstreamException.Kind.STATUS, 503), failure(UpstreamException.Kind.REFUSED, 0));

        Failover.Opened opened = complete(expert("alpha", 3), expert("beta", 1));

        assertEquals(1, opened.rank());
        assertEquals("beta", opened.expert().name());
        assertEquals(3, nodes.calls.size(), "two attempts on alpha (not a third node), then beta: " + nodes.calls);
        assertEquals(1.0, meters.get("llmc.fallbacks").tag("kind", "fallback").counter().count());
    }

    @Test
    void fallsBackAtOnceWhenTheExpertHasNoOtherNode() {
        nodes.fail("alpha", failure(UpstreamException.Kind.MALFORMED, 0));

        Failover.Opened opened = complete(expert("alpha", 1), expert("beta", 1));

        assertEquals("beta", opened.expert().name());
        assertEquals(List.of("http://alpha-0", "http://beta-0"), nodes.calls);
    }

    @Test
    void aRejectedRequestStopsTheSearch() {
        nodes.fail("alpha", failure(UpstreamException.Kind.REJECTED, 422));

        UpstreamException e = failureOf(expert("alpha", 2), expert("beta", 1));

        assertEquals(UpstreamException.Kind.REJECTED, e.kind());
        assertEquals(422, e.status());
        assertEquals(1, nodes.calls.size(), "neither another node nor another expert is asked: " + nodes.calls);
    }

    @Test
    void aRejectedRequestLeavesTheNodeInRotation() {
        nodes.fail("alpha", failure(UpstreamException.Kind.REJECTED, 400));

        failureOf(expert("alpha", 1));

        assertTrue(health.isHealthy(expert("alpha", 1), 0));
    }

    @Test
    void aMisconfiguredNodeLeavesRotationAndTheTurnMovesOn() {
        Expert alpha = expert("alpha", 1);
        nodes.fail("alpha", failure(UpstreamException.Kind.MISCONFIGURED, 401));

        Failover.Opened opened = complete(alpha, expert("beta", 1));

        assertEquals("beta", opened.expert().name());
        assertFalse(health.isHealthy(alpha, 0));
    }

    @Test
    void failsUnavailableNamingEachExpertWhenNoNodeAnswers() {
        nodes.fail("alpha", failure(UpstreamException.Kind.TIMEOUT, 0));
        nodes.fail("beta", failure(UpstreamException.Kind.STATUS, 500));

        UpstreamException e = failureOf(expert("alpha", 1), expert("beta", 1));

        assertEquals(UpstreamException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("alpha node 0: timeout") && e.getMessage().contains("beta node 0: status 500"),
                e.getMessage());
        assertFalse(e.getMessage().contains("http://"), "no node address for the caller: " + e.getMessage());
    }

    @Test
    void skipsAnExpertWithoutAnAvailableNode() {
        Expert alpha = expert("alpha", 1);
        health.record(alpha, 0, false);

        Failover.Opened opened = complete(alpha, expert("beta", 1));

        assertEquals("beta", opened.expert().name());
        assertEquals(List.of("http://beta-0"), nodes.calls);
    }

    @Test
    void streamsTheRestOfTheRepliesChunksFromTheNodeThatSentTheFirst() {
        Failover.Opened opened = failover.stream(List.of(expert("alpha", 1)), REQUEST, "msg_test").block(WAIT);

        assertEquals("chunk 1", opened.first().get("text").asText());
        assertEquals(List.of("chunk 2"), opened.rest().map(chunk -> chunk.get("text").asText()).collectList().block(WAIT));
    }
}
