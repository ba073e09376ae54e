package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.ColdStartConfig;
import dev.llmc.gateway.config.RoutingConfig;
import dev.llmc.gateway.config.ScoringIndexConfig;
import dev.llmc.gateway.config.StickinessConfig;
import dev.llmc.gateway.proxy.NodeHealth;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.encoder.ConversationFormatter;
import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.encoder.SentenceEncoder;
import dev.llmc.model.scoring.ContentBasedController;
import dev.llmc.model.scoring.Controller;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;
import dev.llmc.registry.ExpertNode;
import dev.llmc.registry.ExpertRegistry;
import dev.llmc.registry.ExpertStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The router's decisions with in-memory parts: a registry snapshot, an encoder that maps a conversation's topic to a
 * fixed vector, the content-based controller, a node table, in-process stickiness and no cold-start share.
 */
class ExpertRouterTest {
    private static final float[] BAKING = {1, 0, 0};
    private static final float[] CODE = {0, 1, 0};
    private static MiniLmTokenizer tokenizer;
    private final AtomicInteger encodes = new AtomicInteger();
    private final List<Expert> experts = new ArrayList<>();
    private final NodeHealth health = new NodeHealth(5, Duration.ofSeconds(10), System::nanoTime, new SimpleMeterRegistry());

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = MiniLmTokenizer.load();
    }

    /** Embeds a conversation mentioning bread near BAKING, anything else near CODE. */
    private final SentenceEncoder topics = new SentenceEncoder() {
        @Override
        public int dimension() {
            return 3;
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            encodes.incrementAndGet();
            return texts.stream().map(text -> text.contains("bread") ? new float[] {0.9f, 0.1f, 0.42f} : new float[] {0.1f, 0.9f, 0.42f}).toList();
        }

        @Override
        public void close() {
        }
    };

    private Expert expert(String name, float[] theta) {
        Expert expert = new Expert("exp_" + name, name, name + " questions", "owner", ExpertStatus.ACTIVE, theta,
                List.of(new ExpertNode("http://" + name + ".example/v1", name)), Instant.EPOCH);
        experts.add(expert);
        return expert;
    }

    private ExpertRouter router(StickinessConfig stickiness) {
        // The catalogue reads its snapshot from the registry; only findAll is needed for routing.
        ExpertRegistry registry = (ExpertRegistry) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ExpertRegistry.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("findAll")) {
                        return List.copyOf(experts);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        ExpertCatalog catalog = new ExpertCatalog(registry, Clock.systemUTC());
        catalog.refresh();
        Controller content = new ContentBasedController();
        ServingControllers controllers = new ServingControllers() {
            @Override
            public Controller active() {
                return content;
            }

            @Override
            public Controller get(String version) {
                return content;
            }
        };
        ColdStartConfig noColdStart = new ColdStartConfig(0, 100, Duration.ofSeconds(30));
        return new ExpertRouter(catalog, new ConversationEncoder(new ConversationFormatter(tokenizer, 128), topics), controllers,
                new RoutingConfig(3, Duration.ofSeconds(2)), health, new FeedbackCounts(null, noColdStart), noColdStart,
                new Stickiness(new InMemoryConversationExperts(Duration.ofHours(1), System::currentTimeMillis), stickiness),
                new SimpleMeterRegistry(), new PreparedRankings(new ScoringIndexConfig(100_000, 200, 16, 100)));
    }

    private static List<ChatTurn> ask(String question) {
        return List.of(new ChatTurn("user", question));
    }

    private static final StickinessConfig NO_STICKINESS = new StickinessConfig(false, 0.05, Duration.ofHours(1));

    @Test
    void routesToTheHighestScoringExpertAndRanksTheOthersBehindIt() {
        expert("chef", BAKING);
        expert("coder", CODE);

        RoutingDecision decision = router(NO_STICKINESS).route("o:c1", ask("Why is my bread dense?"), RoutePlan.auto());

        assertEquals(List.of("chef", "coder"), decision.candidates().stream().map(c -> c.expert().name()).toList());
        assertEquals(1.0, decision.propensity(), "greedy");
        assertEquals("content", decision.controllerVersion());
        assertEquals(3, decision.embedding().length);
    }

    @Test
    void aPinnedExpertIsServedWithoutEncoding() {
        expert("chef", BAKING);
        expert("coder", CODE);

        RoutingDecision decision = router(NO_STICKINESS).route(null, ask("Why is my bread dense?"), RoutePlan.pinned("coder"));

        assertEquals(List.of("coder"), decision.candidates().stream().map(c -> c.expert().name()).toList());
        assertEquals(0, encodes.get());
    }

    @Test
    void anUnknownPinnedExpertIsNotFound() {
        expert("chef", BAKING);

        assertThrows(ModelNotFoundException.class, () -> router(NO_STICKINESS).route(null, ask("hi"), RoutePlan.pinned("nobody")));
    }

    @Test
    void anExpertWithoutAHealthyNodeIsLeftOutAndNoneLeftIsUnavailable() {
        Expert chef = expert("chef", BAKING);
        Expert coder = expert("coder", CODE);
        ExpertRouter router = router(NO_STICKINESS);
        health.record(chef, 0, false);

        RoutingDecision decision = router.route("o:c1", ask("Why is my bread dense?"), RoutePlan.auto());

        assertEquals(List.of("coder"), decision.candidates().stream().map(c -> c.expert().name()).toList());
        health.record(coder, 0, false);
        assertThrows(NoExpertAvailableException.class, () -> router.route("o:c1", ask("Why is my bread dense?"), RoutePlan.auto()));
    }

    @Test
    void aConversationKeepsItsExpertWhileItScoresWithinTheMargin() {
        expert("chef", BAKING);
        expert("coder", CODE);
        ExpertRouter router = router(new StickinessConfig(true, 0.9, Duration.ofHours(1)));

        RoutingDecision first = router.route("o:c1", ask("Why is my bread dense?"), RoutePlan.auto());
        RoutingDecision second = router.route("o:c1", ask("And my Java build fails"), RoutePlan.auto());
        RoutingDecision otherConversation = router.route("o:c2", ask("And my Java build fails"), RoutePlan.auto());

        assertEquals("chef", first.candidates().getFirst().expert().name());
        assertEquals("chef", second.candidates().getFirst().expert().name(), "sticky within the margin");
        assertEquals("coder", otherConversation.candidates().getFirst().expert().name());
        assertTrue(second.candidates().stream().anyMatch(c -> c.expert().name().equals("coder")), "the others stay as fallbacks");
    }
}
