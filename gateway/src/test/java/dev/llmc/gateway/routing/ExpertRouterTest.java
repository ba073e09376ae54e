package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.ColdStartConfig;
import dev.llmc.gateway.config.ExplorationConfig;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
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
    /** Where ranking rebuilds run: at once unless a test holds them back. */
    private Executor rankingBuilds = Runnable::run;
    private int indexThreshold = 100_000;
    /** No cold-start share unless a test sets one. */
    private ColdStartConfig coldStart = new ColdStartConfig(0, 100, Duration.ofSeconds(30));
    /** Messages with feedback by expert id. */
    private Map<String, Long> feedbackCounts = Map.of();
    private ExpertCatalog catalog;

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
        public String id() {
            return "test-topics";
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
        return router(stickiness, new ExplorationConfig("greedy", 0.1, 0.05, 1.0, 0.25, 1000, Duration.ofSeconds(1)));
    }

    private final InMemoryConversationExperts conversations = new InMemoryConversationExperts(Duration.ofHours(1), System::currentTimeMillis);

    private ExpertRouter router(StickinessConfig stickiness, ExplorationConfig exploration) {
        // The catalogue reads its snapshot from the registry; only findAll and version are needed for routing (a
        // registry that cannot say what changed makes every refresh read everything).
        ExpertRegistry registry = (ExpertRegistry) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ExpertRegistry.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("findAll")) {
                        return List.copyOf(experts);
                    }
                    if (method.getName().equals("findChangedSince")) {
                        return Optional.empty();
                    }
                    if (method.getName().equals("version")) {
                        return (long) experts.hashCode();  // changes whenever the list does
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        catalog = new ExpertCatalog(registry, Clock.systemUTC());
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
        FeedbackCounts feedback = new FeedbackCounts(null, coldStart);
        feedback.update(feedbackCounts);
        ConversationEncoder encoder = new ConversationEncoder(new ConversationFormatter(tokenizer, 128), topics);
        // No database: the posteriors stay at their prior (the active controller's scores with the prior spread).
        LinearThompsonPosteriors posteriors = new LinearThompsonPosteriors(null, exploration, controllers, catalog, encoder);
        return new ExpertRouter(catalog, encoder, controllers, new RoutingConfig(3, Duration.ofSeconds(2)), health,
                feedback, coldStart, new Stickiness(conversations, stickiness), posteriors,
                new SimpleMeterRegistry(), new PreparedRankings(new ScoringIndexConfig(indexThreshold, 200, 16, 100, 1), rankingBuilds));
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
    void aTurnDuringARankingRebuildIsServedByThePreviousRankingAndTheNewExpertIsRoutedAfterIt() {
        Deque<Runnable> builds = new ArrayDeque<>();
        rankingBuilds = builds::add;
        indexThreshold = 1;  // every set is indexed, so rebuilds run in the background
        expert("chef", BAKING);
        expert("coder", CODE);
        ExpertRouter router = router(NO_STICKINESS);
        assertEquals("chef", router.route(null, ask("Why is my bread dense?"), RoutePlan.auto()).candidates().getFirst().expert().name());
        expert("baker", new float[] {2, 0, 0});
        catalog.refresh();

        RoutingDecision duringRebuild = router.route(null, ask("Why is my bread dense?"), RoutePlan.auto());

        assertEquals(List.of("chef", "coder"), duringRebuild.candidates().stream().map(c -> c.expert().name()).toList());
        assertEquals(1, builds.size(), "the rebuild waits for the background");
        builds.poll().run();
        RoutingDecision after = router.route(null, ask("Why is my bread dense?"), RoutePlan.auto());
        assertEquals(List.of("baker", "chef", "coder"), after.candidates().stream().map(c -> c.expert().name()).toList());
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

    /**
     * Routes {@code turns} times from the same previous expert; checks each served expert's logged propensity (the mean
     * over its turns: linear Thompson's are Monte Carlo estimates) against its share of the turns.
     */
    private Map<String, Double> servedShares(ExpertRouter router, RoutePlan plan, String previous, int turns, double tolerance) {
        Map<String, Integer> served = new HashMap<>();
        Map<String, Double> propensities = new HashMap<>();
        for (int i = 0; i < turns; i++) {
            if (previous != null) {
                conversations.put("o:c1", previous);
            }
            RoutingDecision decision = router.route("o:c1", ask("And my Java build fails"), plan);
            String name = decision.candidates().getFirst().expert().name();
            served.merge(name, 1, Integer::sum);
            assertTrue(decision.propensity() > 0 && decision.propensity() <= 1, "propensity in (0, 1]: " + decision.propensity());
            Double earlier = propensities.merge(name, decision.propensity(), Double::sum);
            if (!plan.linearThompson()) {
                assertEquals(decision.propensity() * served.get(name), earlier, 1e-9, "the same situation, the same propensity");
            }
            assertEquals(plan.policyName(), decision.policy());
        }
        Map<String, Double> shares = new HashMap<>();
        served.forEach((name, count) -> {
            shares.put(name, count / (double) turns);
            assertEquals(count / (double) turns, propensities.get(name) / count, tolerance, "logged propensity of " + name);
        });
        return shares;
    }

    @Test
    void epsilonGreedyWithStickinessLogsTheProbabilityOfWhatWasServed() {
        expert("chef", BAKING);
        expert("coder", CODE);
        Expert writer = expert("writer", new float[] {0, 0.8f, 0});
        ExplorationConfig epsilon = new ExplorationConfig("epsilon-greedy", 0.3, 0.05, 1.0, 0.25, 1000, Duration.ofSeconds(1));
        ExpertRouter router = router(new StickinessConfig(true, 0.1, Duration.ofHours(1)), epsilon);

        // Scores for the Java question: coder 0.9, writer 0.72, chef 0.1. The conversation was with writer: it is kept
        // over chef (within the margin) but not over coder, so P(writer) = ε/3 + ε/3 and P(coder) = 1 − ε + ε/3.
        // Over 8,000 turns a share's standard error is at most 0.0056: 0.02 is 3.5 of them.
        Map<String, Double> shares = servedShares(router, RoutePlan.outsideExperiments(epsilon), writer.id(), 8_000, 0.02);

        assertEquals(0.2, shares.get("writer"), 0.02);
        assertEquals(0.8, shares.get("coder"), 0.02);
        assertEquals(null, shares.get("chef"), "always replaced by the conversation's expert");
    }

    @Test
    void linearThompsonExploresEveryExpertWithMonteCarloPropensities() {
        expert("chef", BAKING);
        expert("coder", CODE);
        expert("writer", new float[] {0, 0.8f, 0});
        ExplorationConfig linear = new ExplorationConfig("linear-thompson", 0.1, 0.05, 1.0, 0.25, 1000, Duration.ofSeconds(1));
        ExpertRouter router = router(NO_STICKINESS, linear);

        // Over 4,000 turns a share's standard error is at most 0.008, the mean of K = 1000 estimates' far less: 0.03 is 3.8 of them.
        Map<String, Double> shares = servedShares(router, RoutePlan.outsideExperiments(linear), null, 4_000, 0.03);

        assertTrue(shares.get("coder") > shares.get("writer") && shares.get("writer") > shares.getOrDefault("chef", 0.0),
                "more often the better the prior score: " + shares);
        assertTrue(shares.get("writer") > 0.2, "the prior's spread explores the runner-up: " + shares);
    }

    /** The experts served over {@code turns} turns, each with the propensity it was logged with (the same every turn). */
    private static Map<String, Double> served(ExpertRouter router, String question, int turns) {
        Map<String, Double> served = new HashMap<>();
        for (int i = 0; i < turns; i++) {
            RoutingDecision decision = router.route(null, ask(question), RoutePlan.auto());
            Double before = served.put(decision.candidates().getFirst().expert().name(), decision.propensity());
            assertTrue(before == null || before == decision.propensity(), "the same situation, the same propensity");
        }
        return served;
    }

    @Test
    void theColdStartShareGoesToTheBestScoringNewExpertThatIsRoutable() {
        expert("chef", BAKING);
        expert("coder", CODE);
        expert("writer", new float[] {0, 0.8f, 0});
        Expert newbie = expert("newbie", new float[] {0.2f, 0, 0});
        Expert pastry = expert("pastry", new float[] {0.3f, 0, 0});
        feedbackCounts = Map.of("exp_chef", 5L, "exp_coder", 5L, "exp_writer", 5L);
        coldStart = new ColdStartConfig(0.5, 1, Duration.ofSeconds(30));
        ExpertRouter router = router(NO_STICKINESS);

        // Bread: chef 0.9, pastry 0.27, newbie 0.18 are the top 3, so the best new expert is among them. Greedy serves
        // chef; the share of 0.5 goes to pastry: each with probability 0.5 (P of no pastry in 200 turns: 2^-200).
        assertEquals(Map.of("chef", 0.5, "pastry", 0.5), served(router, "Why is my bread dense?", 200));
        // Java: coder 0.9, writer 0.72, chef 0.1 are the top 3; the new experts score 0.03 and 0.02 behind them.
        assertEquals(Map.of("coder", 0.5, "pastry", 0.5), served(router, "And my Java build fails", 200));

        health.record(pastry, 0, false);
        assertEquals(Map.of("coder", 0.5, "newbie", 0.5), served(router, "And my Java build fails", 200),
                "an expert without a healthy node is no candidate");
        health.record(pastry, 0, true);
        assertEquals(Map.of("chef", 0.5, "pastry", 0.5), served(router, "Why is my bread dense?", 200), "back in rotation at once");
        health.record(newbie, 0, false);
        health.record(pastry, 0, false);
        assertEquals(Map.of("coder", 1.0), served(router, "And my Java build fails", 50), "no new expert is routable");
    }
}
