package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.ColdStartConfig;
import dev.llmc.gateway.proxy.NodeHealth;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;
import dev.llmc.registry.ExpertNode;
import dev.llmc.registry.ExpertRegistry;
import dev.llmc.registry.ExpertStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The routable and new experts are derived once per snapshot, health change and feedback load, and reused between. */
class RoutableExpertsTest {
    private final List<Expert> experts = new ArrayList<>();
    private final NodeHealth health = new NodeHealth(5, Duration.ofSeconds(10), System::nanoTime, new SimpleMeterRegistry());
    private final FeedbackCounts feedback = new FeedbackCounts(null, new ColdStartConfig(0.1, 2, Duration.ofSeconds(30)));
    private final ExpertCatalog catalog = new ExpertCatalog((ExpertRegistry) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {ExpertRegistry.class}, (proxy, method, args) -> switch (method.getName()) {
                case "findAll" -> List.copyOf(experts);
                case "findChangedSince" -> Optional.empty();
                case "version" -> (long) experts.hashCode();
                default -> throw new UnsupportedOperationException(method.getName());
            }), Clock.systemUTC());
    private final RoutableExperts routable = new RoutableExperts(catalog, health, feedback);

    private Expert expert(String name, ExpertStatus status) {
        Expert expert = new Expert("exp_" + name, name, name, "owner", status, new float[] {1, 0},
                List.of(new ExpertNode("http://" + name + ".example/v1", name)), Instant.EPOCH);
        experts.add(expert);
        return expert;
    }

    private static List<String> names(List<Expert> experts) {
        return experts.stream().map(Expert::name).toList();
    }

    @Test
    void keepsTheSameListsWhileNothingChangesAndFollowsEveryChange() {
        Expert chef = expert("chef", ExpertStatus.ACTIVE);
        expert("coder", ExpertStatus.ACTIVE);
        expert("paused", ExpertStatus.PAUSED);
        catalog.refresh();

        RoutableExperts.Routable first = routable.current();
        assertEquals(List.of("chef", "coder"), names(first.experts()));
        assertEquals(List.of("chef", "coder"), names(first.newExperts()));
        assertSame(first, routable.current(), "nothing changed");
        assertSame(catalog.active(), first.experts(), "every active expert is routable: the snapshot's own list");

        health.record(chef, 0, false);
        RoutableExperts.Routable unhealthy = routable.current();
        assertEquals(List.of("coder"), names(unhealthy.experts()));
        assertEquals(Set.of("exp_chef"), unhealthy.unavailable());
        assertSame(unhealthy, routable.current());
        health.record(chef, 0, true);
        assertEquals(List.of("chef", "coder"), names(routable.current().experts()), "back in rotation at once");

        feedback.update(Map.of("exp_chef", 2L, "exp_coder", 1L));
        RoutableExperts.Routable fed = routable.current();
        assertEquals(List.of("coder"), names(fed.newExperts()), "chef has enough feedback");
        feedback.update(Map.of("exp_chef", 2L, "exp_coder", 1L));
        assertSame(fed, routable.current(), "the same counts loaded again");

        expert("baker", ExpertStatus.ACTIVE);
        catalog.refresh();
        RoutableExperts.Routable grown = routable.current();
        assertNotSame(fed, grown);
        assertEquals(List.of("chef", "coder", "baker"), names(grown.experts()));
        assertEquals(List.of("coder", "baker"), names(grown.newExperts()));
        assertEquals("baker", grown.active().byId("exp_baker").name());
    }
}
