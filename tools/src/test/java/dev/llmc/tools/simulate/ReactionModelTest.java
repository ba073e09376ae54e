package dev.llmc.tools.simulate;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReactionModelTest {
    private static final int N = 200_000;
    private final ReactionModel model = ReactionModel.DEFAULT;

    @Test
    void ratingsCentreOnOnePlusFourTimesTheLabelWithinOneToFive() {
        for (double label : new double[] {0, 0.25, 0.5, 0.75, 1}) {
            SplittableRandom random = new SplittableRandom(7);
            int[] counts = new int[6];
            double sum = 0;
            for (int i = 0; i < N; i++) {
                int rating = model.rating(label, random);
                counts[rating]++;
                sum += rating;
            }
            assertEquals(0, counts[0]);
            double mean = sum / N;
            // Clamping at 1 and 5 pulls the extremes inward; in the middle the mean is 1 + 4ℓ.
            if (label == 0.5) {
                assertEquals(3.0, mean, 0.01);
                // σ = 0.8: P(|noise| < 0.5) ≈ 0.47 of ratings are exactly 3.
                assertEquals(0.468, counts[3] / (double) N, 0.01);
            }
            if (label == 0) {
                assertEquals(1.297, mean, 0.01); // E[clamp(round(N(1, 0.8²)))], computed exactly
                assertEquals(0.734, counts[1] / (double) N, 0.01); // Φ(0.5 / 0.8)
            }
            if (label == 1) {
                assertEquals(4.703, mean, 0.01);
            }
        }
    }

    @Test
    void noiselessRatingsAreTheRoundedLabel() {
        ReactionModel exact = new ReactionModel(0, 0.05, 0.4, 0.1, 0.5, 4);
        SplittableRandom random = new SplittableRandom(1);
        assertEquals(1, exact.rating(0, random));
        assertEquals(3, exact.rating(0.5, random));
        assertEquals(4, exact.rating(0.8, random));
        assertEquals(5, exact.rating(1, random));
    }

    @Test
    void poorRepliesAreRetriedMoreOften() {
        assertEquals(0.45, rate(random -> model.retries(0, random)), 0.005);
        assertEquals(0.25, rate(random -> model.retries(0.5, random)), 0.005);
        assertEquals(0.05, rate(random -> model.retries(1, random)), 0.005);
    }

    @Test
    void goodRepliesKeepTheUserTalkingUpToMaxTurns() {
        assertEquals(0.10, rate(random -> model.continues(0, 1, random)), 0.005);
        assertEquals(0.60, rate(random -> model.continues(1, 1, random)), 0.005);
        assertEquals(0.0, rate(random -> model.continues(1, 4, random)));
    }

    @Test
    void refusesProbabilitiesOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new ReactionModel(0.8, 0.7, 0.4, 0.1, 0.5, 4));
        assertThrows(IllegalArgumentException.class, () -> new ReactionModel(0.8, 0.05, 0.4, 0.6, 0.5, 4));
        assertThrows(IllegalArgumentException.class, () -> new ReactionModel(-1, 0.05, 0.4, 0.1, 0.5, 4));
        assertThrows(IllegalArgumentException.class, () -> new ReactionModel(0.8, 0.05, 0.4, 0.1, 0.5, 0));
        assertFalse(new ReactionModel(0.8, 0, 1, 0, 1, 1).continues(1, 1, new SplittableRandom(1)));
    }

    private interface Draw {
        boolean happens(SplittableRandom random);
    }

    private static double rate(Draw draw) {
        SplittableRandom random = new SplittableRandom(3);
        int hits = 0;
        for (int i = 0; i < N; i++) {
            if (draw.happens(random)) {
                hits++;
            }
        }
        return hits / (double) N;
    }
}
