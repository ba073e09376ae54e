package dev.llmc.tools.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenVectorFitTest {

    /** Token vectors of a vocabulary of four, two dimensions; token 3 never occurs. */
    private static final float[] TRUE = {1, 0, 0, 1, -1, 2, 5, 5};
    private static final List<int[]> TEXTS = List.of(new int[] {0}, new int[] {1}, new int[] {2}, new int[] {0, 1},
            new int[] {1, 2, 2}, new int[] {0, 0, 2});

    @Test
    void recoversTheTokenVectorsWhoseMeansAreTheTargets() {
        float[] start = {0, 0, 0, 0, 0, 0, 7, 7};

        float[] fitted = new TokenVectorFit(TEXTS, 4, 2).fit(start, targets(), 1e-6, 50);

        assertArrayEquals(new float[] {1, 0, 0, 1, -1, 2}, Arrays.copyOf(fitted, 6), 1e-3f);
        // A token no text contains keeps its starting vector.
        assertEquals(7f, fitted[6], 1e-6f);
        assertEquals(7f, fitted[7], 1e-6f);
    }

    @Test
    void aStrongRidgeKeepsTheStartingVectors() {
        float[] start = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0, 0};

        float[] fitted = new TokenVectorFit(TEXTS, 4, 2).fit(start, targets(), 1e6, 50);

        assertArrayEquals(start, fitted, 1e-4f);
    }

    private static List<float[]> targets() {
        List<float[]> targets = new ArrayList<>();
        for (int[] text : TEXTS) {
            float[] mean = new float[2];
            for (int id : text) {
                mean[0] += TRUE[id * 2] / text.length;
                mean[1] += TRUE[id * 2 + 1] / text.length;
            }
            targets.add(mean);
        }
        return targets;
    }
}
