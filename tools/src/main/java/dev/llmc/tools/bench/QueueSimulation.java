package dev.llmc.tools.bench;

import java.util.Arrays;
import java.util.Random;

/**
 * Response times of texts arriving as a Poisson process and served first come, first served by schedulers that the
 * encoder could run, computed from service times instead of measured: {@link BatchingBenchmark} feeds it the pass
 * times it measured to show the latency each scheduler (and an ideal one) reaches at the benchmark's offered load.
 *
 * <p>First come, first served because it has the lightest tail for light-tailed service times such as these (shortest
 * first lowers the median but makes the longest texts wait longer, which raises p99).
 */
final class QueueSimulation {

    private QueueSimulation() {
    }

    /** Arrival times in ms of a Poisson process at the given rate, starting at 0. */
    static double[] poissonArrivals(double ratePerSecond, int count, long seed) {
        Random random = new Random(seed);
        double[] arrivals = new double[count];
        double now = 0;
        for (int i = 0; i < count; i++) {
            now += -Math.log(1 - random.nextDouble()) / ratePerSecond * 1000;
            arrivals[i] = now;
        }
        return arrivals;
    }

    /** Response times (wait plus service) of texts in arrival order on {@code servers} identical servers. */
    static double[] firstComeFirstServed(double[] arrivals, double[] service, int servers) {
        double[] free = new double[servers];
        double[] response = new double[arrivals.length];
        for (int i = 0; i < arrivals.length; i++) {
            int server = earliest(free);
            double start = Math.max(arrivals[i], free[server]);
            free[server] = start + service[i];
            response[i] = free[server] - arrivals[i];
        }
        return response;
    }

    /**
     * Like {@link #firstComeFirstServed} on one server per core, except that a text which starts while every core is
     * idle and nothing else waits runs on all cores at once ({@code serviceOnAllCores}), keeping them all busy.
     */
    static double[] loneTextOnAllCores(double[] arrivals, double[] serviceOnOneCore, double[] serviceOnAllCores, int cores) {
        double[] free = new double[cores];
        double[] response = new double[arrivals.length];
        for (int i = 0; i < arrivals.length; i++) {
            int core = earliest(free);
            double start = Math.max(arrivals[i], free[core]);
            boolean allIdle = Arrays.stream(free).allMatch(f -> f <= start);
            boolean noneWaiting = i + 1 == arrivals.length || arrivals[i + 1] > start;
            double finish;
            if (allIdle && noneWaiting) {
                finish = start + serviceOnAllCores[i];
                Arrays.fill(free, finish);
            } else {
                finish = start + serviceOnOneCore[i];
                free[core] = finish;
            }
            response[i] = finish - arrivals[i];
        }
        return response;
    }

    private static int earliest(double[] free) {
        int best = 0;
        for (int s = 1; s < free.length; s++) {
            best = free[s] < free[best] ? s : best;
        }
        return best;
    }
}
