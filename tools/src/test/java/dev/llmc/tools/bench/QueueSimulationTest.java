package dev.llmc.tools.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QueueSimulationTest {

    @Test
    void oneServerWithExponentialServiceHasTheResponseTimesOfAnMm1Queue() {
        double arrivalRate = 50;
        double serviceRate = 100;
        double[] arrivals = QueueSimulation.poissonArrivals(arrivalRate, 400_000, 1);
        Random random = new Random(2);
        double[] service = new double[arrivals.length];
        Arrays.setAll(service, i -> -Math.log(1 - random.nextDouble()) / serviceRate * 1000);

        double[] response = QueueSimulation.firstComeFirstServed(arrivals, service, 1);

        // M/M/1 first come first served: response time is exponential with rate μ − λ, so p99 = ln(100) / (μ − λ).
        Arrays.sort(response);
        double p99 = response[(int) (0.99 * response.length)];
        assertEquals(Math.log(100) / (serviceRate - arrivalRate) * 1000, p99, 2.0);
    }

    @Test
    void aTextWaitsForTheEarliestFreeServerInArrivalOrder() {
        double[] response = QueueSimulation.firstComeFirstServed(
                new double[] {0, 1, 2, 3}, new double[] {10, 10, 10, 10}, 2);

        assertArrayEquals(new double[] {10, 10, 18, 18}, response, 1e-9);
    }

    @Test
    void aLoneTextRunsOnAllCoresAndTheNextOneWaitsForThem() {
        double[] arrivals = {0, 1, 100, 101};
        double[] oneCore = {10, 10, 10, 10};
        double[] allCores = {6, 6, 6, 6};

        double[] response = QueueSimulation.loneTextOnAllCores(arrivals, oneCore, allCores, 2);

        // 0 runs alone on both cores until 6; 1 arrives while they are busy, starts at 6 with every core idle and nothing
        // else waiting, so it gets both too (done at 12). 100 and 101 repeat the pattern.
        assertArrayEquals(new double[] {6, 11, 6, 11}, response, 1e-9);
    }

    @Test
    void textsStartingWhileOthersWaitRunOnOneCoreEach() {
        double[] response = QueueSimulation.loneTextOnAllCores(
                new double[] {0, 0.5, 1}, new double[] {10, 10, 10}, new double[] {6, 6, 6}, 2);

        // 0 is alone when it starts: both cores until 6. At 6, 0.5 starts while 1 waits, so it takes one core (done at
        // 16) and 1 the other (done at 16).
        assertArrayEquals(new double[] {6, 15.5, 15}, response, 1e-9);
    }
}
