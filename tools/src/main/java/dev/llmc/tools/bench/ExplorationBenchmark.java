package dev.llmc.tools.bench;

import dev.llmc.model.exploration.LinearPosterior;
import dev.llmc.model.exploration.LinearThompson;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The per-turn cost of linear Thompson sampling as the router pays it: for every expert the posterior mean and
 * variance at x = [e(C), 1] (d = 385), then K Monte Carlo draws of every expert for the propensities; and the cost of
 * folding one observation into a posterior (Sherman–Morrison on a copy, as a replica's refresh does). Posteriors hold
 * {@code observations} random observations each so that A⁻¹ is dense, as in production. Besides wall time it
 * reports the measuring thread's CPU time, which a machine shared with other work inflates far less.
 */
final class ExplorationBenchmark {
    private static final int DIMENSION = 384;
    private static final int WARM_UP = 200;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Sorted wall-clock and thread-CPU milliseconds of the measured runs. */
    private record Timings(double[] wall, double[] cpu) {
        static Timings of(double[] wall, double[] cpu) {
            Arrays.sort(wall);
            Arrays.sort(cpu);
            return new Timings(wall, cpu);
        }

        String describe() {
            return String.format("wall p50=%.3f p99=%.3f mean=%.3f ms, CPU p50=%.3f p99=%.3f mean=%.3f ms",
                    percentile(wall, 0.5), percentile(wall, 0.99), mean(wall), percentile(cpu, 0.5), percentile(cpu, 0.99), mean(cpu));
        }
    }

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

        Timings perObservation = timeFoldOfOne(posteriors.getFirst(), random, Math.max(50, iterations / 20));
        Timings predictions = timeSelect(new LinearThompson(0.25, 1), posteriors, random, iterations);
        Timings full = timeSelect(new LinearThompson(0.25, samples), posteriors, random, iterations);
        int d = DIMENSION + 1;
        System.out.printf("linear thompson select, %d experts, d=%d, n=%d turns%n", experts, d, iterations);
        System.out.printf("  K=1 (predictions only): %s%n", predictions.describe());
        System.out.printf("  K=%d:                 %s%n", samples, full.describe());
        System.out.printf("fold one observation into a posterior (copy + Sherman–Morrison, as a refresh of one row): %s%n",
                perObservation.describe());
        System.out.printf("fold %d observations per expert at start (wall): %.1f µs per observation; memory per expert %.2f MB "
                + "(A⁻¹ in doubles + its packed float triangle)%n", observations, foldMicros, (d * d * 8 + d * (d + 1) / 2 * 4) / 1e6);
    }

    private static Timings timeSelect(LinearThompson policy, List<LinearPosterior> posteriors, SplittableRandom random, int iterations) {
        double[] millis = new double[iterations];
        double[] cpu = new double[iterations];
        for (int i = -WARM_UP; i < iterations; i++) {
            double[] x = LinearThompson.features(embedding(random));
            List<LinearThompson.Candidate> candidates = new ArrayList<>(posteriors.size());
            for (int m = 0; m < posteriors.size(); m++) {
                candidates.add(new LinearThompson.Candidate("e" + m, random.nextDouble(0, 0.5), posteriors.get(m)));
            }
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            LinearThompson.Selection selection = policy.select(x, candidates, random);
            long elapsed = System.nanoTime() - start;
            long cpuElapsed = THREADS.getCurrentThreadCpuTime() - cpuStart;
            if (selection.chosen() < 0) {
                throw new IllegalStateException("no choice");
            }
            if (i >= 0) {
                millis[i] = elapsed / 1e6;
                cpu[i] = cpuElapsed / 1e6;
            }
        }
        return Timings.of(millis, cpu);
    }

    private static Timings timeFoldOfOne(LinearPosterior posterior, SplittableRandom random, int iterations) {
        double[] millis = new double[iterations];
        double[] cpu = new double[iterations];
        for (int i = -10; i < iterations; i++) {
            double[][] one = {LinearThompson.features(embedding(random))};
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            LinearPosterior updated = posterior.with(one, new double[] {random.nextDouble()});
            long elapsed = System.nanoTime() - start;
            long cpuElapsed = THREADS.getCurrentThreadCpuTime() - cpuStart;
            if (updated.observations() != posterior.observations() + 1) {
                throw new IllegalStateException("not folded");
            }
            if (i >= 0) {
                millis[i] = elapsed / 1e6;
                cpu[i] = cpuElapsed / 1e6;
            }
        }
        return Timings.of(millis, cpu);
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
