package dev.llmc.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteLlmMetricsTest {

    // Four prompts, router scores 4 > 3 > 2 > 1. Strong labels 1,1,0,1 (mean 0.75), weak 0,1,0,1 (mean 0.5).
    // Quantile edges of {1,2,3,4}: 1, 1.3, ..., 3.7, 4. Strong on s ≥ t (s > 4 at the last edge):
    // t=1 → all 4 (share 1, quality 0.75); t=1.3..1.9 → 3 (0.75, 0.75); t=2.2..2.8 → 2 (0.5, 0.75);
    // t=3.1..3.7 → 1 (0.25, 0.75: prompt 0 strong-right, weak still right on 1 and 3); t=4 → none (0, 0.5).
    // AUC = 0.25·(0.5+0.75)/2 + 0.75·0.75 = 0.71875; APGR = (0.71875 − 0.5) / (0.75 − 0.5) = 0.875.
    // CPT(50%): quality 0.625 is reached halfway between (0, 0.5) and (0.25, 0.75) → 0.125; CPT(80%): 0.7 → 0.2.
    private static final double[] SCORES = {4, 3, 2, 1};
    private static final double[] STRONG = {1, 1, 0, 1};
    private static final double[] WEAK = {0, 1, 0, 1};

    @Test
    void apgrMatchesHandComputedTrapezoid() {
        assertEquals(0.875, RouteLlmMetrics.evaluate(SCORES, STRONG, WEAK).apgr(), 1e-12);
    }

    @Test
    void cptInterpolatesStrongShareAtQualityTarget() {
        RouteLlmMetrics.Result result = RouteLlmMetrics.evaluate(SCORES, STRONG, WEAK);
        assertEquals(0.125, result.cpt50(), 1e-12);
        assertEquals(0.2, result.cpt80(), 1e-12);
    }

    @Test
    void curveHasElevenThresholdPointsFromNoneToAllStrong() {
        List<RouteLlmMetrics.Point> curve = RouteLlmMetrics.curve(SCORES, STRONG, WEAK);
        assertEquals(11, curve.size());
        assertEquals(new RouteLlmMetrics.Point(0, 0.5), curve.getFirst());
        assertEquals(new RouteLlmMetrics.Point(1, 0.75), curve.getLast());
    }

    @Test
    void randomScoresGiveApgrNearHalf() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(1);
        int n = 20_000;
        double[] scores = new double[n];
        double[] strong = new double[n];
        double[] weak = new double[n];
        for (int i = 0; i < n; i++) {
            scores[i] = random.nextDouble();
            strong[i] = random.nextDouble() < 0.8 ? 1 : 0;
            weak[i] = random.nextDouble() < 0.6 ? 1 : 0;
        }
        assertEquals(0.5, RouteLlmMetrics.evaluate(scores, strong, weak).apgr(), 0.05);
    }
}
