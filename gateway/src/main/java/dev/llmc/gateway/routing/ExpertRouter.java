package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.ColdStartConfig;
import dev.llmc.gateway.config.RoutingConfig;
import dev.llmc.gateway.proxy.NodeHealth;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.policy.ExplorationPolicy;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertRanking;
import dev.llmc.model.scoring.ExpertScorer;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Chooses experts for a conversation from the in-memory registry snapshot (no database on this path):
 * a pinned expert as asked, otherwise the controller's top-k ranking of e(C) over active experts with a healthy
 * node, with the plan's policy picking the first candidate, the conversation keeping its expert within the stickiness
 * margin, and a cold-start share going to new experts. Encoding time is recorded as {@code llmc.encoder.latency}.
 */
@Singleton
public final class ExpertRouter {
    private final ExpertCatalog catalog;
    private final ConversationEncoder encoder;
    private final ServingControllers controllers;
    private final RoutingConfig config;
    private final NodeHealth health;
    private final FeedbackCounts feedback;
    private final ColdStartExploration coldStart;
    private final Stickiness stickiness;
    private final PreparedRankings rankings;
    private final Timer encoderLatency;

    ExpertRouter(ExpertCatalog catalog, ConversationEncoder encoder, ServingControllers controllers, RoutingConfig config,
                 NodeHealth health, FeedbackCounts feedback, ColdStartConfig coldStart, Stickiness stickiness,
                 MeterRegistry meters, PreparedRankings rankings) {
        this.catalog = catalog;
        this.encoder = encoder;
        this.controllers = controllers;
        this.config = config;
        this.health = health;
        this.feedback = feedback;
        this.coldStart = new ColdStartExploration(coldStart.share());
        this.stickiness = stickiness;
        this.rankings = rankings;
        this.encoderLatency = Timer.builder("llmc.encoder.latency")
                .description("Time to encode a conversation for routing")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(meters);
    }

    /**
     * Routes one turn of the conversation {@code conversationKey} (its {@link dev.llmc.gateway.auth.OwnedId#key()}, so
     * stickiness is per owner; null: a conversation of one turn, nothing to keep).
     */
    public RoutingDecision route(@Nullable String conversationKey, List<ChatTurn> conversation, RoutePlan plan) {
        if (plan.pinnedExpert() != null) {
            Expert expert = catalog.activeByName(plan.pinnedExpert()).orElseThrow(() -> new ModelNotFoundException(plan.pinnedExpert()));
            if (!health.hasHealthyNode(expert)) {
                throw new NoExpertAvailableException(NoExpertAvailableException.Reason.NO_HEALTHY_NODE,
                        "expert '" + expert.name() + "' has no healthy node right now; retry later or use model 'auto'");
            }
            return new RoutingDecision(List.of(new RankedExpert(expert, Double.NaN)), null, "pinned", 1.0, 0);
        }
        if (catalog.active().isEmpty()) {
            throw new NoExpertAvailableException(NoExpertAvailableException.Reason.NO_ACTIVE_EXPERT,
                    "no active expert is registered; register one with POST /experts");
        }
        List<Expert> active = catalog.active().stream().filter(health::hasHealthyNode).toList();
        if (active.isEmpty()) {
            throw new NoExpertAvailableException(NoExpertAvailableException.Reason.NO_HEALTHY_EXPERT,
                    "no active expert has a healthy node right now; retry shortly");
        }
        Controller controller = plan.controllerVersion() == null ? controllers.active() : controllers.get(plan.controllerVersion());
        long encodeStart = System.nanoTime();
        float[] embedding = encoder.encode(conversation);
        long encoderNanos = System.nanoTime() - encodeStart;
        encoderLatency.record(encoderNanos, TimeUnit.NANOSECONDS);
        ExpertRanking prepared = rankings.of(controller, active);
        List<ScoredExpert> ranking = prepared.rank(embedding, config.topK());
        ScoredExpert bestNew = active.stream().filter(expert -> feedback.isNew(expert.id()))
                .map(expert -> prepared.score(embedding, expert.id()))
                .min(ExpertScorer.RANKING).orElse(null);
        ExplorationPolicy.Choice policyChoice = plan.policy().choose(ranking, ThreadLocalRandom.current());
        boolean sticky = stickiness.appliesTo(plan, conversationKey);
        if (sticky) {
            policyChoice = stickiness.choose(conversationKey, policyChoice, expertId -> prepared.score(embedding, expertId));
        }
        ExplorationPolicy.Choice choice = coldStart.apply(policyChoice, bestNew, ThreadLocalRandom.current());
        if (sticky) {
            stickiness.record(conversationKey, choice.expert().expertId());
        }

        Map<String, Expert> byId = active.stream().collect(Collectors.toMap(Expert::id, Function.identity()));
        List<RankedExpert> candidates = new ArrayList<>(ranking.size());
        candidates.add(new RankedExpert(byId.get(choice.expert().expertId()), choice.expert().score()));
        for (ScoredExpert scored : ranking) {
            if (!scored.expertId().equals(choice.expert().expertId())) {
                candidates.add(new RankedExpert(byId.get(scored.expertId()), scored.score()));
            }
        }
        return new RoutingDecision(candidates, embedding, controller.version(), choice.propensity(), encoderNanos);
    }
}
