package dev.llmc.tools.bench;

import dev.llmc.model.exploration.LinearPosterior;
import dev.llmc.model.exploration.LinearThompson;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The per-turn cost of linear Thompson sampling as the router pays it: for every expert the posterior mean and
 * variance at x = [e(C), 1] (d = 385), then K Monte Carlo draws of every expert for the propensities; and the cost of
 * folding one observation into a posterior (Sherman–Morrison on a copy, as a replica's refresh does). Posteriors hold
 * {@code observations} random observations each so that A⁻¹ is dense, as in production.
 */
final class ExplorationBenchmark {
    private static final int DIMENSION = 384;
    private static final int WARM_UP = 200;

    private ExplorationBenchmark() {
    }

    static void run(int experts, int samples, int observations, int iterations) {
        SplittableRandom random = new SplittableRandom(17);
        long foldStart = System.nanoTime();
        List<LinearPosterior> posteriors = new ArrayList<>(experts);
        for (int m = 0; m < experts; m++) {
            double[][] features = new double[observations][];
            double[] rewards = new double[observations];
            for (int i = 0; i < observations; i++) {
                features[i] = LinearThompson.features(embedding(random));
                rewards[i] = random.nextDouble();
            }
            posteriors.add(LinearPosterior.prior(DIMENSION + 1, 1.0).with(features, rewards));
        }
        double foldMicros = (System.nanoTime() - foldStart) / 1e3 / ((double) experts * observations);
        System.err.printf("folded %d observations into each of %d posteriors%n", observations, experts);

        double[] perObservation = timeFoldOfOne(posteriors.getFirst(), random, Math.max(50, iterations / 20));
        double[] predictions = timeSelect(new LinearThompson(0.25, 1), posteriors, random, iterations);
        double[] full = timeSelect(new LinearThompson(0.25, samples), posteriors, random, iterations);
        System.out.printf("linear thompson select, %d experts, d=%d: K=1 (predictions only) p50=%.3f ms p99=%.3f ms mean=%.3f ms; "
                        + "K=%d p50=%.3f ms p99=%.3f ms mean=%.3f ms (n=%d)%n",
                experts, DIMENSION + 1, percentile(predictions, 0.5), percentile(predictions, 0.99), mean(predictions),
                samples, percentile(full, 0.5), percentile(full, 0.99), mean(full), iterations);
        System.out.printf("fold: %.1f µs per observation in batches of %d; a refresh batch of 1 (copy + update) p50=%.3f ms p99=%.3f ms; "
                        + "memory %.2f MB per expert (A⁻¹ as doubles)%n",
                foldMicros, observations, percentile(perObservation, 0.5), percentile(perObservation, 0.99),
                (DIMENSION + 1) * (DIMENSION + 1) * 8 / 1e6);
    }

    private static double[] timeSelect(LinearThompson policy, List<LinearPosterior> posteriors, SplittableRandom random, int iterations) {
        double[] millis = new double[iterations];
        for (int i = -WARM_UP; i < iterations; i++) {
            double[] x = LinearThompson.features(embedding(random));
            List<LinearThompson.Candidate> candidates = new ArrayList<>(posteriors.size());
            for (int m = 0; m < posteriors.size(); m++) {
                candidates.add(new LinearThompson.Candidate("e" + m, random.nextDouble(0, 0.5), posteriors.get(m)));
            }
            long start = System.nanoTime();
            LinearThompson.Selection selection = policy.select(x, candidates, random);
            long elapsed = System.nanoTime() - start;
            if (selection.chosen() < 0) {
                throw new IllegalStateException("no choice");
            }
            if (i >= 0) {
                millis[i] = elapsed / 1e6;
            }
        }
        Arrays.sort(millis);
        return millis;
    }

    private static double[] timeFoldOfOne(LinearPosterior posterior, SplittableRandom random, int iterations) {
        double[] millis = new double[iterations];
        for (int i = -10; i < iterations; i++) {
            double[][] one = {LinearThompson.features(embedding(random))};
            long start = System.nanoTime();
            LinearPosterior updated = posterior.with(one, new double[] {random.nextDouble()});
            long elapsed = System.nanoTime() - start;
            if (updated.observations() != posterior.observations() + 1) {
                throw new IllegalStateException("not folded");
            }
            if (i >= 0) {
                millis[i] = elapsed / 1e6;
            }
        }
        Arrays.sort(millis);
        return millis;
    }

    /** A random unit vector with a shared positive component, like sentence embeddings. */
    private static float[] embedding(SplittableRandom random) {
        float[] e = new float[DIMENSION];
        double norm = 0;
        for (int i = 0; i < DIMENSION; i++) {
            e[i] = (float) (random.nextGaussian() + 0.3);
            norm += e[i] * e[i];
        }
        for (int i = 0; i < DIMENSION; i++) {
            e[i] /= (float) Math.sqrt(norm);
        }
        return e;
    }

    private static double percentile(double[] sorted, double p) {
        return BenchStatistics.nearestRank(sorted, p);
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
