package dev.llmc.tools.eval;

import dev.llmc.model.matrix.RoutingMatrix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    @Test
    void gainCapturedIsShareOfOracleGapOverBestSingle() {
        // (0.75 − 0.70) / (0.90 − 0.70) = 0.25
        assertEquals(0.25, Baselines.gainCaptured(0.75, 0.70, 0.90), 1e-12);
        // Below the best single expert the gain is negative: (0.65 − 0.70) / 0.20 = −0.25
        assertEquals(-0.25, Baselines.gainCaptured(0.65, 0.70, 0.90), 1e-12);
    }

    @Test
    void gainCapturedIsZeroWhenOracleEqualsBestSingle() {
        assertEquals(0.0, Baselines.gainCaptured(0.5, 0.5, 0.5));
    }

    @Test
    void oracleRandomAndRoutedUtilityOnSmallMatrix() {
        RoutingMatrix m = new RoutingMatrix("score", List.of("p0", "p1"), List.of("a", "b"), List.of("x", "y"),
                new double[][] {{1.0, 0.0}, {0.2, 0.6}});
        int[] both = {0, 1};
        assertEquals(0.8, Baselines.oracle(m, both), 1e-12);          // (1.0 + 0.6) / 2
        assertEquals(0.45, Baselines.uniformRandom(m, both), 1e-12);  // (1.0 + 0.0 + 0.2 + 0.6) / 4
        assertEquals(0.1, Baselines.routedUtility(m, both, List.of(new double[] {0, 1}, new double[] {1, 0})), 1e-12);
    }
}
