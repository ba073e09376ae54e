package dev.llmc.tools.eval;

import dev.llmc.model.matrix.RoutingMatrix;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Disjoint train and test prompt indices into a {@link RoutingMatrix}. */
public record Split(int[] train, int[] test) {

    /**
     * A seeded random split of n prompts: round(trainFraction · n) prompts train (at least one each side when n ≥ 2),
     * the rest test; the same (n, trainFraction, seed) always gives the same split. Indices are sorted.
     */
    public static Split random(int n, double trainFraction, long seed) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction must be in (0, 1), was " + trainFraction);
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) { // Fisher–Yates
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int trainSize = (int) Math.round(trainFraction * n);
        if (n >= 2) {
            trainSize = Math.max(1, Math.min(n - 1, trainSize));
        }
        int[] train = Arrays.copyOfRange(order, 0, trainSize);
        int[] test = Arrays.copyOfRange(order, trainSize, n);
        Arrays.sort(train);
        Arrays.sort(test);
        return new Split(train, test);
    }
}
