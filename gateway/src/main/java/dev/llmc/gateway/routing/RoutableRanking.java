package dev.llmc.gateway.routing;

import dev.llmc.model.scoring.ExpertRanking;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.registry.Expert;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A ranking prepared for an earlier set of experts, limited to those still routable: what serves while the current
 * set's ranking is built. Experts that joined since are not in it; experts that left (paused, retired, no healthy node)
 * are never returned.
 */
final class RoutableRanking implements ExpertRanking {
    private final ExpertRanking previous;
    private final Set<String> routable;
    /** Experts the previous ranking holds that are no longer routable: a top-k asks for that many more. */
    private final int left;

    private RoutableRanking(ExpertRanking previous, Set<String> routable, int left) {
        this.previous = previous;
        this.routable = routable;
        this.left = left;
    }

    /** {@code previous} (prepared for {@code rankedExperts}) limited to {@code routableExperts}. */
    static RoutableRanking of(ExpertRanking previous, List<Expert> rankedExperts, List<Expert> routableExperts) {
        Set<String> now = HashSet.newHashSet(routableExperts.size());
        routableExperts.forEach(expert -> now.add(expert.id()));
        Set<String> kept = HashSet.newHashSet(Math.min(now.size(), rankedExperts.size()));
        for (Expert expert : rankedExperts) {
            if (now.contains(expert.id())) {
                kept.add(expert.id());
            }
        }
        return new RoutableRanking(previous, kept, rankedExperts.size() - kept.size());
    }

    @Override
    public int size() {
        return routable.size();
    }

    @Override
    public List<ScoredExpert> rank(float[] conversationEmbedding, int topK) {
        List<ScoredExpert> ranking = new ArrayList<>(topK);
        for (ScoredExpert scored : previous.rank(conversationEmbedding, topK + left)) {
            if (routable.contains(scored.expertId()) && ranking.size() < topK) {
                ranking.add(scored);
            }
        }
        return ranking;
    }

    @Override
    public ScoredExpert score(float[] conversationEmbedding, String expertId) {
        return routable.contains(expertId) ? previous.score(conversationEmbedding, expertId) : null;
    }

    @Override
    public List<ScoredExpert> priorRewards(float[] conversationEmbedding) {
        return previous.priorRewards(conversationEmbedding).stream().filter(scored -> routable.contains(scored.expertId())).toList();
    }
}
