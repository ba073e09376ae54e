package dev.llmc.gateway.routing;

import dev.llmc.gateway.config.ColdStartConfig;
import dev.llmc.gateway.config.RoutingConfig;
import dev.llmc.gateway.proxy.NodeHealth;
import dev.llmc.model.encoder.ChatTurn;
import dev.llmc.model.encoder.ConversationEncoder;
import dev.llmc.model.exploration.LinearThompson;
import dev.llmc.model.policy.ExplorationPolicy;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExactScan;
import dev.llmc.model.scoring.ExpertRanking;
import dev.llmc.model.scoring.ExpertScorer;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.registry.ActiveExperts;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Chooses experts for a conversation from the in-memory registry snapshot (no database on this path):
 * a pinned expert as asked, otherwise the controller's top-k ranking of e(C) over active experts with a healthy
 * node with the plan's policy picking the first candidate (or linear Thompson sampling over every such expert), the
 * conversation keeping its expert within the stickiness margin, and a cold-start share going to new experts.
 * The logged propensity is the probability of serving the expert that was served with all three composed: the
 * policy's odds, moved by stickiness, mixed with the cold-start share. Encoding time is recorded as
 * {@code llmc.encoder.latency}.
 */
@Singleton
public final class ExpertRouter {
    private final ExpertCatalog catalog;
    private final ConversationEncoder encoder;
    private final ServingControllers controllers;
    private final RoutingConfig config;
    private final NodeHealth health;
    private final ColdStartExploration coldStart;
    private final Stickiness stickiness;
    private final LinearThompsonPosteriors posteriors;
    private final PreparedRankings rankings;
    private final RoutableExperts routableExperts;
    private final Timer encoderLatency;

    ExpertRouter(ExpertCatalog catalog, ConversationEncoder encoder, ServingControllers controllers, RoutingConfig config,
                 NodeHealth health, FeedbackCounts feedback, ColdStartConfig coldStart, Stickiness stickiness,
                 LinearThompsonPosteriors posteriors, MeterRegistry meters, PreparedRankings rankings) {
        this.catalog = catalog;
        this.encoder = encoder;
        this.controllers = controllers;
        this.config = config;
        this.health = health;
        this.coldStart = new ColdStartExploration(coldStart.share());
        this.stickiness = stickiness;
        this.posteriors = posteriors;
        this.rankings = rankings;
        this.routableExperts = new RoutableExperts(catalog, health, feedback);
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
            return new RoutingDecision(List.of(new RankedExpert(expert, Double.NaN)), null, null, "pinned", 1.0, 0, plan.policyName());
        }
        RoutableExperts.Routable routable = routableExperts.current();
        if (routable.active().isEmpty()) {
            throw new NoExpertAvailableException(NoExpertAvailableException.Reason.NO_ACTIVE_EXPERT,
                    "no active expert is registered; register one with POST /experts");
        }
        List<Expert> active = routable.experts();
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
        RandomGenerator random = ThreadLocalRandom.current();
        PolicyOutcome outcome = plan.linearThompson()
                ? linearThompson(embedding, controller.version(), prepared, random)
                : ranked(plan.policy(), embedding, prepared, random);
        ExplorationPolicy.Choice policyChoice = new ExplorationPolicy.Choice(outcome.chosen(), outcome.odds().getOrDefault(outcome.chosen().expertId(), 0.0));
        Map<String, Double> odds = outcome.odds();
        boolean sticky = stickiness.appliesTo(plan, conversationKey);
        if (sticky) {
            ScoredExpert previous = stickiness.previous(conversationKey).map(outcome.scoreOf()).orElse(null);
            if (previous != null) {
                odds = keepingPrevious(odds, previous, outcome.scoreOf());
                ScoredExpert served = stickiness.keeps(previous.score(), outcome.chosen().score()) ? previous : outcome.chosen();
                policyChoice = new ExplorationPolicy.Choice(served, odds.getOrDefault(served.expertId(), 0.0));
            }
        }
        ScoredExpert bestNew = bestNew(routable, controller, embedding, prepared,
                !plan.linearThompson() && prepared instanceof ExactScan ? outcome.ranking() : null);
        bestNew = bestNew == null ? null : outcome.scoreOf().apply(bestNew.expertId());
        Map<String, Double> policyOdds = odds;
        ExplorationPolicy.Choice choice = coldStart.apply(policyChoice, id -> policyOdds.getOrDefault(id, 0.0), bestNew, random);
        if (sticky) {
            stickiness.record(conversationKey, choice.expert().expertId());
        }

        ActiveExperts snapshot = routable.active();
        List<RankedExpert> candidates = new ArrayList<>(outcome.ranking().size() + 1);
        candidates.add(new RankedExpert(snapshot.byId(choice.expert().expertId()), choice.expert().score()));
        for (ScoredExpert scored : outcome.ranking()) {
            if (!scored.expertId().equals(choice.expert().expertId())) {
                candidates.add(new RankedExpert(snapshot.byId(scored.expertId()), scored.score()));
            }
        }
        return new RoutingDecision(candidates, embedding, encoder.encoderId(), controller.version(), choice.propensity(), encoderNanos, plan.policyName());
    }

    /**
     * The best-scoring routable expert with little feedback by the controller's score (ties by id), or null when there
     * is none. From an exact top-k that holds a new expert, its first (nothing outside the top-k scores higher);
     * otherwise from the new experts' own prepared ranking, or, while {@code prepared} is narrowed to the experts it
     * held before a rebuild, from those of them it holds (an expert that joined is not routable until the rebuild).
     */
    private @Nullable ScoredExpert bestNew(RoutableExperts.Routable routable, Controller controller, float[] embedding,
                                           ExpertRanking prepared, @Nullable List<ScoredExpert> exactTop) {
        if (routable.newExperts().isEmpty()) {
            return null;
        }
        if (prepared.size() < routable.experts().size()) {
            return routable.newExperts().stream().map(expert -> prepared.score(embedding, expert.id()))
                    .filter(Objects::nonNull)
                    .min(ExpertScorer.RANKING).orElse(null);
        }
        if (exactTop != null) {
            for (ScoredExpert scored : exactTop) {
                if (routable.counts().isNew(scored.expertId())) {
                    return scored;
                }
            }
        }
        List<ScoredExpert> best = rankings.ofNew(controller, routable.newExperts()).rank(embedding, 1);
        return best.isEmpty() ? null : best.getFirst();
    }

    /**
     * What a policy did for one turn: the expert it chose, the ranking behind it (best first, the fallbacks), the
     * probability it had of serving each expert (absent: 0), and every routable expert's score by id (null when the
     * expert is no longer routable), which stickiness compares.
     */
    private record PolicyOutcome(ScoredExpert chosen, List<ScoredExpert> ranking, Map<String, Double> odds,
                                 Function<String, @Nullable ScoredExpert> scoreOf) {
    }

    /** A policy over the controller's top-k ranking; an expert outside it is scored on demand (stickiness). */
    private PolicyOutcome ranked(ExplorationPolicy policy, float[] embedding, ExpertRanking prepared, RandomGenerator random) {
        List<ScoredExpert> ranking = prepared.rank(embedding, config.topK());
        Map<String, Double> odds = new HashMap<>();
        Map<String, ScoredExpert> scored = new HashMap<>();
        for (int i = 0; i < ranking.size(); i++) {
            odds.merge(ranking.get(i).expertId(), policy.propensity(ranking, i), Double::sum);
            scored.put(ranking.get(i).expertId(), ranking.get(i));
        }
        Function<String, ScoredExpert> scoreOf = id -> scored.computeIfAbsent(id, unranked -> prepared.score(embedding, unranked));
        return new PolicyOutcome(policy.choose(ranking, random).expert(), ranking, odds, scoreOf);
    }

    /**
     * Linear Thompson sampling over every routable expert, scored by its posterior mean (the active controller's
     * predicted reward plus what the expert's model learned); the ranking is the best posterior means.
     */
    private PolicyOutcome linearThompson(float[] embedding, String controllerVersion, ExpertRanking prepared, RandomGenerator random) {
        List<ScoredExpert> priors = prepared.priorRewards(embedding);
        List<LinearThompson.Candidate> candidates = priors.stream().map(prior -> new LinearThompson.Candidate(prior.expertId(),
                prior.score(), posteriors.posterior(prior.expertId(), controllerVersion))).toList();
        LinearThompson.Selection selection = posteriors.sampler().select(LinearThompson.features(embedding), candidates, random);
        Map<String, Double> odds = new HashMap<>();
        Map<String, ScoredExpert> scored = new HashMap<>();
        List<ScoredExpert> byMean = new ArrayList<>(candidates.size());
        for (int m = 0; m < candidates.size(); m++) {
            ScoredExpert expert = new ScoredExpert(candidates.get(m).expertId(), selection.means()[m]);
            byMean.add(expert);
            scored.put(expert.expertId(), expert);
            if (selection.probabilities()[m] > 0) {
                odds.put(expert.expertId(), selection.probabilities()[m]);
            }
        }
        byMean.sort(Comparator.comparingDouble(ScoredExpert::score).reversed().thenComparing(ScoredExpert::expertId));
        return new PolicyOutcome(scored.get(candidates.get(selection.chosen()).expertId()),
                byMean.subList(0, Math.min(config.topK(), byMean.size())), odds, scored::get);
    }

    /**
     * The odds after stickiness: every outcome the previous expert is within the margin of becomes the previous expert,
     * so P(previous) = Σ_w p(w)·[score(previous) ≥ score(w) − margin] and every other expert keeps its odds otherwise.
     */
    private Map<String, Double> keepingPrevious(Map<String, Double> odds, ScoredExpert previous,
                                                Function<String, @Nullable ScoredExpert> scoreOf) {
        Map<String, Double> sticky = new HashMap<>();
        sticky.put(previous.expertId(), 0.0);
        odds.forEach((expertId, p) -> {
            ScoredExpert outcome = scoreOf.apply(expertId);
            boolean kept = outcome != null && stickiness.keeps(previous.score(), outcome.score());
            sticky.merge(kept ? previous.expertId() : expertId, p, Double::sum);
        });
        return sticky;
    }
}
