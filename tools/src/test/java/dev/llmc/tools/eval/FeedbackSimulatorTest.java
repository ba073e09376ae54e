package dev.llmc.tools.eval;

import dev.llmc.model.matrix.RoutingMatrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackSimulatorTest {

    private static RoutingMatrix matrix(int prompts, int experts) {
        List<String> ids = new ArrayList<>();
        double[][] labels = new double[prompts][experts];
        for (int p = 0; p < prompts; p++) {
            ids.add("p" + p);
            for (int e = 0; e < experts; e++) {
                labels[p][e] = (p * 7 + e * 3) % 11 / 10.0;
            }
        }
        List<String> names = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            names.add("e" + e);
        }
        return new RoutingMatrix("score", ids, ids, names, labels);
    }

    @Test
    void loggingPolicySumsToOneAndFavoursTheBestLoggedExpert() {
        double[] sums = {3, 9, 1};
        int[] counts = {10, 10, 10};
        double[] policy = FeedbackSimulator.loggingPolicy(sums, counts, new java.util.SplittableRandom(1));
        assertEquals(1.0, Arrays.stream(policy).sum(), 1e-9);
        assertTrue(policy[1] > policy[0] && policy[1] > policy[2], "the best mean is served most");
        assertTrue(Arrays.stream(policy).allMatch(p -> p >= FeedbackSimulator.EPSILON / 3), "guaranteed exploration");
    }

    @Test
    void banditLogRecordsThePolicyProbabilityOfEachServedExpert() {
        RoutingMatrix m = matrix(40, 5);
        int[] train = java.util.stream.IntStream.range(0, 40).toArray();
        long seed = 11;
        List<FeedbackSimulator.LoggedFeedback> log = new FeedbackSimulator(FeedbackSimulator.Mode.BANDIT, 3).simulate(m, train, seed);
        assertEquals(120, log.size());
        // Replay the policy prompt by prompt: its probabilities over the pool sum to 1 and each logged propensity is
        // the probability it had of serving the logged expert.
        double[] sums = new double[5];
        int[] counts = new int[5];
        for (int position = 0; position < 40; position++) {
            double[] policy = FeedbackSimulator.loggingPolicy(sums, counts, FeedbackSimulator.policyRandom(seed, position));
            assertEquals(1.0, Arrays.stream(policy).sum(), 1e-9);
            for (int j = 3 * position; j < 3 * position + 3; j++) {
                FeedbackSimulator.LoggedFeedback f = log.get(j);
                assertEquals(policy[f.expert()], f.propensity(), 1e-12);
                sums[f.expert()] += m.label(f.prompt(), f.expert());
                counts[f.expert()]++;
            }
        }
    }

    @Test
    void fullFeedbackLogsEveryExpertWithRatingFromLabel() {
        RoutingMatrix m = matrix(4, 3);
        List<FeedbackSimulator.LoggedFeedback> log = new FeedbackSimulator(FeedbackSimulator.Mode.FULL, 1).simulate(m, new int[] {0, 2}, 1);
        assertEquals(6, log.size());
        for (FeedbackSimulator.LoggedFeedback f : log) {
            double label = m.label(f.prompt(), f.expert());
            assertEquals(1 + 4 * label, f.rating(), 1e-6);
            if (label == 0 || label == 1) {
                assertEquals(label == 0, f.retried(), "retry probability is 1 − label");
            }
            assertEquals(1.0, f.propensity());
        }
    }
}
