package dev.llmc.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.llmc.gateway.config.ScoringIndexConfig;
import dev.llmc.model.scoring.ContentBasedController;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExactScan;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ExpertRanking;
import dev.llmc.model.scoring.IndexedScan;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.model.scoring.ScoringMatrix;
import dev.llmc.registry.Expert;
import dev.llmc.registry.ExpertNode;
import dev.llmc.registry.ExpertStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreparedRankingsTest {
    private final ContentBasedController content = new ContentBasedController();

    @Test
    void reusesTheRankingUntilTheExpertsOrTheControllerChange() {
        PreparedRankings rankings = new PreparedRankings(new ScoringIndexConfig(100_000, 200, 16, 100));
        List<Expert> snapshot = experts(3, 0f);
        ExpertRanking first = rankings.of(content, snapshot);

        assertSame(first, rankings.of(content, snapshot));
        // A registry reload: new but equal Expert objects.
        assertSame(first, rankings.of(content, experts(3, 0f)));
        assertNotSame(first, rankings.of(content, experts(3, 0.5f)));
        assertNotSame(first, rankings.of(content, experts(4, 0f)));
        assertNotSame(first, rankings.of(new ContentBasedController(), experts(4, 0f)));
    }

    @Test
    void keepsOneRankingPerControllerVersion() {
        PreparedRankings rankings = new PreparedRankings(new ScoringIndexConfig(100_000, 50, 16, 100));
        List<Expert> snapshot = experts(3, 0f);
        Controller other = new Controller() {
            @Override
            public String version() {
                return "v2";
            }

            @Override
            public List<ScoredExpert> rank(float[] conversationEmbedding, List<ExpertProfile> experts, int topK) {
                return content.rank(conversationEmbedding, experts, topK);
            }

            @Override
            public ScoringMatrix layout(List<ExpertProfile> experts) {
                return content.layout(experts);
            }
        };
        ExpertRanking contentRanking = rankings.of(content, snapshot);
        ExpertRanking otherRanking = rankings.of(other, snapshot);

        // Experiment arms alternate between versions: neither rebuilds the other's ranking.
        assertSame(contentRanking, rankings.of(content, snapshot));
        assertSame(otherRanking, rankings.of(other, snapshot));
    }

    @Test
    void indexThresholdFromConfigurationChoosesTheScan() {
        List<Expert> experts = experts(50, 0f);

        assertInstanceOf(ExactScan.class, new PreparedRankings(new ScoringIndexConfig(51, 20, 16, 100)).of(content, experts));
        ExpertRanking indexed = new PreparedRankings(new ScoringIndexConfig(50, 20, 16, 100)).of(content, experts);
        assertInstanceOf(IndexedScan.class, indexed);
        assertEquals("exp_7", indexed.rank(new float[] {0f, 1f, 7f}, 1).getFirst().expertId());
    }

    /** Experts exp_0… with θ = (shift, 1, i), so that x = (0, 1, 7) ranks exp_7 first by a clear margin. */
    private static List<Expert> experts(int count, float shift) {
        List<Expert> experts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] theta = i == 7 ? new float[] {shift, 1f, 100f} : new float[] {shift, 1f, -i};
            experts.add(new Expert("exp_" + i, "expert-" + i, "expert " + i, "owner", ExpertStatus.ACTIVE, theta,
                    List.of(new ExpertNode("http://e" + i + ".example/v1", "e" + i)), Instant.EPOCH));
        }
        return experts;
    }
}
