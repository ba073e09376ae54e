package dev.llmc.gateway.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.model.encoder.SentenceEncoder;
import dev.llmc.registry.ExpertCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 experts registered in bulk (ten {@code POST /experts/bulk} of 1,000) on four shared nodes, then routed with
 * {@code "model": "auto"}: the snapshot holds them all after a few updates that read only each batch, health checks
 * probe each distinct node once per interval, the routed expert is the best by score, and an expert registered after
 * them gets its cold-start share once the ranking rebuilt in the background includes it.
 */
@MicronautTest
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ManyExpertsIT extends EmbeddedGatewayTest {
    private static final int EXPERTS = 10_000;
    private static final int BATCH = 1_000;
    private static final double COLD_START_SHARE = 0.3;
    private static final String PROMPT = "Why is my sourdough bread dense after proofing? The crumb is tight and the loaf has no oven spring.";
    private static final String SOURDOUGH = "Sourdough bread baker: why a loaf is dense, proofing times, starters, crumb and oven spring.";
    private static final String HOME_BAKER = "Home baker of bread and pastries: sourdough loaves, rye bread, baguettes and proofing dough.";
    private static final String[] TOPICS = {"tax law", "contract law", "python debugging", "java performance", "kubernetes",
            "marine biology", "astronomy", "chess openings", "football tactics", "car repair", "rose gardening", "dog training",
            "stock investing", "cryptography", "medieval history", "ancient rome", "jazz piano", "guitar chords", "oil painting",
            "photography", "knitting", "mountain hiking", "sailing", "yoga", "child psychology", "linear algebra", "calculus",
            "organic chemistry", "quantum physics", "weather forecasting", "volcanoes", "birdwatching", "real estate",
            "insurance claims", "travel in japan", "learning spanish", "french grammar", "poetry writing", "screenwriting",
            "video game design", "electronics soldering", "plumbing", "home insulation", "beekeeping", "fishing", "skin care",
            "sleep problems", "public speaking", "job interviews", "tennis"};
    private static final String[] AUDIENCES = {"beginners", "professionals", "students", "families", "retirees",
            "small businesses", "teachers", "teenagers", "researchers", "hobbyists"};
    private static final String[] STYLES = {"step by step answers", "short practical tips", "in-depth explanations",
            "worked examples", "common mistakes", "checklists", "history and background", "comparisons of options",
            "troubleshooting", "quick reference", "exercises", "case studies", "frequently asked questions", "glossary terms",
            "planning advice", "safety rules", "cost estimates", "tools and equipment", "latest trends", "myths and facts"};

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<FakeExpertNode> nodes = List.of(fakeNode("node-a"), fakeNode("node-b"), fakeNode("node-c"), fakeNode("node-d"));
    @Inject
    ExpertCatalog catalog;
    @Inject
    FeedbackCounts feedback;
    @Inject
    MeterRegistry meters;
    @Inject
    SentenceEncoder encoder;

    @Override
    protected Map<String, String> extraProperties() {
        return Map.of("llmc.routing.cold-start.share", Double.toString(COLD_START_SHARE),
                "llmc.routing.cold-start.min-feedback", "1",
                "llmc.routing.cold-start.refresh", "300ms",
                "llmc.nodes.health-interval", "1s");
    }

    /** Expert i's description: a distinct topic, audience and style for each of the 10,000; expert 0 bakes sourdough. */
    private static String description(int i) {
        if (i == 0) {
            return SOURDOUGH;
        }
        return "Expert on " + TOPICS[i % TOPICS.length] + " for " + AUDIENCES[i / TOPICS.length % AUDIENCES.length]
                + ": " + STYLES[i / (TOPICS.length * AUDIENCES.length) % STYLES.length] + ".";
    }

    private static String name(int i) {
        return i == 0 ? "sourdough" : "expert-" + i;
    }

    private ObjectNode registration(String name, String description, FakeExpertNode node) {
        ObjectNode expert = mapper.createObjectNode().put("name", name).put("description", description);
        expert.putArray("nodes").addObject().put("base_url", node.baseUrl());
        return expert;
    }

    private Reply chat() {
        return http().post("/v1/chat/completions", mapper.createObjectNode().put("model", "auto").set("messages",
                mapper.createArrayNode().add(mapper.createObjectNode().put("role", "user").put("content", PROMPT))).toString());
    }

    private List<String> explainTop(int top) {
        Reply reply = http().post("/admin/routing/explain", """
                {"messages": [{"role": "user", "content": "%s"}], "top": %d}""".formatted(PROMPT, top));
        assertEquals(200, reply.status(), reply.body());
        List<String> names = new ArrayList<>();
        reply.json().get("experts").forEach(expert -> names.add(expert.get("name").asText()));
        return names;
    }

    private int probes() {
        return nodes.stream().mapToInt(node -> node.probeAuthorizations().size()).sum();
    }

    private double snapshotReloads() {
        return meters.get("llmc.registry.snapshot.reloads").functionCounter().count();
    }

    private double snapshotUpdates() {
        return meters.get("llmc.registry.snapshot.updates").functionCounter().count();
    }

    @Test
    void tenThousandExpertsRegisteredInBulkAreRoutedWithColdStartAndBoundedProbes() {
        List<String> descriptions = new ArrayList<>(EXPERTS);
        for (int i = 0; i < EXPERTS; i++) {
            descriptions.add(description(i));
        }
        long embedStart = System.nanoTime();
        for (int from = 0; from < EXPERTS; from += 64) {
            encoder.embed(descriptions.subList(from, Math.min(EXPERTS, from + 64)));
        }
        System.out.printf("ManyExpertsIT: embedding %,d descriptions with encoder %s took %.2f s%n", EXPERTS, encoder.id(),
                (System.nanoTime() - embedStart) / 1e9);

        double reloadsBefore = snapshotReloads();
        double updatesBefore = snapshotUpdates();
        int probesBefore = probes();
        long registerStart = System.nanoTime();
        for (int from = 0; from < EXPERTS; from += BATCH) {
            ObjectNode body = mapper.createObjectNode();
            ArrayNode experts = body.putArray("experts");
            for (int i = from; i < from + BATCH; i++) {
                experts.add(registration(name(i), descriptions.get(i), nodes.get(i % nodes.size())));
            }
            Reply reply = http().post("/experts/bulk", body.toString());
            assertEquals(201, reply.status(), reply.body());
            assertEquals(BATCH, reply.json().get("data").size());
            assertEquals("active", reply.json().at("/data/" + (BATCH - 1) + "/status").asText(), "probed at registration");
        }
        double registerSeconds = (System.nanoTime() - registerStart) / 1e9;
        double updates = snapshotUpdates() - updatesBefore;
        int probes = probes() - probesBefore;
        System.out.printf("ManyExpertsIT: registered %,d experts in %d requests in %.1f s: %.0f snapshot updates, %d node probes%n",
                EXPERTS, EXPERTS / BATCH, registerSeconds, updates, probes);

        assertEquals(EXPERTS, catalog.active().size());
        assertEquals(reloadsBefore, snapshotReloads(), "no batch made a replica read every expert again");
        // Per batch: the write's own update and the activation's (notifications and the periodic refresh find the
        // registry's version unchanged), now and then one more when the periodic health check activates first.
        assertTrue(updates <= 3 * EXPERTS / BATCH + 2, updates + " snapshot updates");
        // One probe per distinct node at each batch's registration, one per node and health interval besides.
        int intervals = (int) Math.ceil(registerSeconds) + 1;
        assertTrue(probes <= nodes.size() * (EXPERTS / BATCH + intervals), probes + " probes in " + registerSeconds + " s");

        // Routing: the best by score, the only expert with feedback once rated.
        assertEquals("sourdough", explainTop(1).getFirst());
        Reply first = chat();
        assertEquals(200, first.status(), first.body());
        assertEquals("sourdough", first.json().get("model").asText(), "the best by score of 10,000, and new itself");
        Reply rated = http().post("/feedback", """
                {"message_id": "%s", "type": "rating", "value": 5}""".formatted(first.json().get("id").asText()));
        assertEquals(202, rated.status(), rated.body());
        String sourdoughId = catalog.activeByName("sourdough").orElseThrow().id();
        await().atMost(Duration.ofSeconds(30)).until(() -> !feedback.isNew(sourdoughId));

        // A newcomer that scores second: once the rebuilt ranking holds it, it gets the cold-start share of turns.
        long newcomerStart = System.nanoTime();
        Reply newcomer = http().post("/experts", registration("home-baker", HOME_BAKER, nodes.getFirst()).toString());
        assertEquals(201, newcomer.status(), newcomer.body());
        System.out.printf("ManyExpertsIT: registering one more expert with %,d registered took %.0f ms%n",
                EXPERTS, (System.nanoTime() - newcomerStart) / 1e6);
        assertEquals(EXPERTS + 1, catalog.active().size());
        assertEquals(reloadsBefore, snapshotReloads(), "the newcomer was read alone");
        assertEquals(List.of("sourdough", "home-baker"), explainTop(2), "the newcomer is the best new expert for the prompt");
        await().atMost(Duration.ofSeconds(30)).until(() -> chat().json().get("model").asText().equals("home-baker"));

        int turns = 300;
        Map<String, Integer> served = new HashMap<>();
        long routeStart = System.nanoTime();
        for (int i = 0; i < turns; i++) {
            Reply reply = chat();
            assertEquals(200, reply.status(), reply.body());
            served.merge(reply.json().get("model").asText(), 1, Integer::sum);
        }
        System.out.printf("ManyExpertsIT: %d auto turns over %,d experts in %.1f s, served %s%n", turns, EXPERTS + 1,
                (System.nanoTime() - routeStart) / 1e9, served);
        assertEquals(turns, served.getOrDefault("sourdough", 0) + served.getOrDefault("home-baker", 0), served.toString());
        double share = served.getOrDefault("home-baker", 0) / (double) turns;
        // Binomial(300, 0.3): sd 0.026, so ±0.1 is almost four.
        assertEquals(COLD_START_SHARE, share, 0.1, "cold-start share " + served);
        assertFalse(feedback.isNew(sourdoughId));
    }
}
