package dev.llmc.model.offpolicy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffPolicyEstimatorTest {

    @Test
    void computesIpsAndSnipsByHand() {
        OffPolicyEstimator estimator = new OffPolicyEstimator();
        estimator.add(true, 1.0, 0.5);   // contributes 2 to rewards, 2 to weights
        estimator.add(true, 0.0, 0.25);  // 0 to rewards, 4 to weights
        estimator.add(false, 1.0, 0.5);  // candidate disagrees: counts in n only
        estimator.add(true, 0.5, 1.0);   // 0.5 and 1

        OffPolicyEstimator.Estimate estimate = estimator.estimate();

        assertEquals(4, estimate.n());
        assertEquals(2.5 / 4, estimate.ips(), 1e-12);
        assertEquals(2.5 / 7, estimate.snips(), 1e-12);
    }

    @Test
    void recoversTheCandidatesTrueMeanRewardFromUniformLogging() {
        // Logging picks one of two actions uniformly; action 0 pays 0.8, action 1 pays 0.2; the candidate always picks 0.
        java.util.Random random = new java.util.Random(1);
        OffPolicyEstimator estimator = new OffPolicyEstimator();
        for (int i = 0; i < 100_000; i++) {
            int action = random.nextInt(2);
            double reward = random.nextDouble() < (action == 0 ? 0.8 : 0.2) ? 1 : 0;
            estimator.add(action == 0, reward, 0.5);
        }

        assertEquals(0.8, estimator.estimate().ips(), 0.01);
        assertEquals(0.8, estimator.estimate().snips(), 0.01);
    }

    @Test
    void isUndefinedWithoutAgreement() {
        OffPolicyEstimator estimator = new OffPolicyEstimator();
        estimator.add(false, 1.0, 0.5);

        assertEquals(0.0, estimator.estimate().ips());
        assertTrue(Double.isNaN(estimator.estimate().snips()));
    }

    @Test
    void rejectsImpossiblePropensities() {
        assertThrows(IllegalArgumentException.class, () -> new OffPolicyEstimator().add(true, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new OffPolicyEstimator().add(true, 1, 1.5));
    }
}
