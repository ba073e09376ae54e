package dev.llmc.model.offpolicy;

import dev.llmc.model.offpolicy.OffPolicyEstimator.Comparison;
import dev.llmc.model.offpolicy.OffPolicyEstimator.Estimate;
import dev.llmc.model.offpolicy.OffPolicyEstimator.Verdict;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OffPolicyEstimatorTest {

    @Test
    void computesIpsSnipsCoverageAndEffectiveSampleSizeByHand() {
        OffPolicyEstimator estimator = new OffPolicyEstimator(1);
        estimator.add("u1", 1.0, 0.5, true);   // w = 2
        estimator.add("u1", 0.0, 0.25, true);  // w = 4
        estimator.add("u2", 1.0, 0.5, false);  // the policy disagrees: counts in n only
        estimator.add("u3", 0.5, 1.0, true);   // w = 1

        Estimate estimate = estimator.estimate(0);

        assertEquals(4, estimate.n());
        assertEquals(3, estimate.matched());
        assertEquals(3, estimate.units());
        assertEquals(2.5 / 4, estimate.ips(), 1e-12);
        assertEquals(2.5 / 7, estimate.snips(), 1e-12);
        assertEquals(7.0 / 4, estimate.coverage(), 1e-12);
        assertEquals(49.0 / 21, estimate.effectiveSampleSize(), 1e-12);
        assertEquals(2.5 / 4, estimator.logged().mean(), 1e-12);
    }

    @Test
    void snipsIntervalIsTheDeltaMethodOverUnits() {
        // Two users; per unit Y = Σ w r, W = Σ w: u1 (2, 6), u2 (1, 1): SNIPS = 3/7, W̄ = 3.5,
        // ψ = (Y − SNIPS·W)/W̄ = (2 − 18/7)/3.5, (1 − 3/7)/3.5 = ∓4/24.5; Var = Σψ²/(U(U − 1)) = 2·(4/24.5)²/2.
        OffPolicyEstimator estimator = new OffPolicyEstimator(1);
        estimator.add("u1", 1.0, 0.5, true);
        estimator.add("u1", 0.0, 0.25, true);
        estimator.add("u2", 1.0, 1.0, true);

        Estimate estimate = estimator.estimate(0);

        double half = OffPolicyEstimator.Z95 * 4 / 24.5;
        assertEquals(3.0 / 7 - half, estimate.snipsCi95().low(), 1e-12);
        assertEquals(3.0 / 7 + half, estimate.snipsCi95().high(), 1e-12);
    }

    /** Over many simulated logs with a known truth, the 95% SNIPS interval covers it about 95% of the time. */
    @Test
    void snipsIntervalCoversTheTrueValueAbout95PercentOfTheTime() {
        double truth = SyntheticLog.value(SyntheticLog.GOOD);
        assertCloseTo95Percent(11, estimator -> estimator.estimate(0).snipsCi95().contains(truth));
    }

    /**
     * Why comparisons need {@link OffPolicyEstimator#MIN_EFFECTIVE_SAMPLE_SIZE}: the normal interval is too narrow on a
     * few heavily weighted decisions (a candidate the ε-greedy log rarely agreed with) and close to 95% from an
     * effective sample size of about 30 on.
     */
    @Test
    void intervalIsTooNarrowBelowTheMinimumEffectiveSampleSizeAndCloseTo95PercentAbove() {
        double[] thin = coverageOfTheBadPolicy(20, 3, 31);
        double[] enough = coverageOfTheBadPolicy(60, 4, 32);
        System.out.printf("SNIPS 95%% interval coverage: ESS %.1f → %.3f, ESS %.1f → %.3f%n", thin[0], thin[1], enough[0], enough[1]);

        assertTrue(thin[0] < OffPolicyEstimator.MIN_EFFECTIVE_SAMPLE_SIZE && thin[1] < 0.88, "ESS " + thin[0] + ": " + thin[1]);
        assertTrue(enough[0] > OffPolicyEstimator.MIN_EFFECTIVE_SAMPLE_SIZE && enough[1] > 0.91, "ESS " + enough[0] + ": " + enough[1]);
    }

    /** Mean effective sample size and interval coverage of SNIPS for the policy that sends everything to expert 0. */
    private static double[] coverageOfTheBadPolicy(int users, int turns, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int datasets = 3000;
        int covered = 0;
        double ess = 0;
        for (int i = 0; i < datasets; i++) {
            Estimate estimate = SyntheticLog.epsilonGreedy(random, users, turns, SyntheticLog.BAD, SyntheticLog.GOOD).estimate(0);
            covered += estimate.snipsCi95().contains(SyntheticLog.value(SyntheticLog.BAD)) ? 1 : 0;
            ess += estimate.effectiveSampleSize();
        }
        return new double[] {ess / datasets, (double) covered / datasets};
    }

    /** The paired interval of candidate − baseline covers the true difference about 95% of the time. */
    @Test
    void differenceIntervalCoversTheTrueDifferenceAbout95PercentOfTheTime() {
        double truth = SyntheticLog.value(SyntheticLog.GOOD) - SyntheticLog.value(SyntheticLog.BAD);
        assertCloseTo95Percent(12, estimator -> estimator.compare(0, 1).ci95().contains(truth));
    }

    @Test
    void loggedMeanIntervalCoversTheLoggingPolicysValueAbout95PercentOfTheTime() {
        assertCloseTo95Percent(13, estimator -> estimator.logged().ci95().contains(SyntheticLog.loggingValue()));
    }

    /** 2,000 simulated logs (150 users × 4 turns, policies GOOD and BAD): the share covered is within 0.93–0.97. */
    private static void assertCloseTo95Percent(long seed, java.util.function.Predicate<OffPolicyEstimator> covers) {
        int datasets = 2000;
        int covered = 0;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < datasets; i++) {
            covered += covers.test(SyntheticLog.epsilonGreedy(random, 150, 4, SyntheticLog.GOOD, SyntheticLog.BAD)) ? 1 : 0;
        }
        double coverage = (double) covered / datasets;
        // The share's standard error is 0.005 at 2,000 datasets: 0.93–0.97 is ±4 of them around 0.95.
        assertTrue(coverage > 0.93 && coverage < 0.97, "coverage " + coverage);
    }

    /** Ignoring that a user's decisions are correlated would make intervals too narrow; clustering by user keeps them honest. */
    @Test
    void intervalsAccountForDecisionsOfOneUserBeingCorrelated() {
        SplittableRandom random = new SplittableRandom(14);
        int datasets = 1000;
        int coveredByUser = 0;
        int coveredByMessage = 0;
        for (int i = 0; i < datasets; i++) {
            long seed = random.nextLong();
            double truth = SyntheticLog.value(SyntheticLog.GOOD);
            coveredByUser += SyntheticLog.epsilonGreedy(new SplittableRandom(seed), 60, 10, SyntheticLog.GOOD, SyntheticLog.BAD, false)
                    .estimate(0).snipsCi95().contains(truth) ? 1 : 0;
            coveredByMessage += SyntheticLog.epsilonGreedy(new SplittableRandom(seed), 60, 10, SyntheticLog.GOOD, SyntheticLog.BAD, true)
                    .estimate(0).snipsCi95().contains(truth) ? 1 : 0;
        }
        assertTrue(coveredByUser > 0.92 * datasets, "by user " + coveredByUser);
        assertTrue(coveredByMessage < coveredByUser - 30, "by message " + coveredByMessage + " vs by user " + coveredByUser);
    }

    @Test
    void aCandidateThatRoutesBadlyIsWorseOnTrafficLoggedWithExploration() {
        OffPolicyEstimator estimator = SyntheticLog.epsilonGreedy(new SplittableRandom(21), 150, 4, SyntheticLog.BAD, SyntheticLog.GOOD);

        Comparison comparison = estimator.compare(0, 1);

        assertEquals(Verdict.WORSE, comparison.verdict(), comparison.toString());
        assertTrue(comparison.bounds().high() < 0, comparison.toString());
    }

    /**
     * The case: greedy logging never tried the candidate's choices on most topics, so SNIPS sees only the
     * turns where the two agree and looks fine. Coverage shows the gap, and the verdict does not call it better.
     */
    @Test
    void aCandidateTheGreedyLogNeverTriedIsNotCalledBetter() {
        SplittableRandom random = new SplittableRandom(22);
        OffPolicyEstimator estimator = new OffPolicyEstimator(2);
        for (int user = 0; user < 200; user++) {
            for (int turn = 0; turn < 3; turn++) {
                int topic = random.nextInt(SyntheticLog.TOPICS);
                int logged = SyntheticLog.GOOD[topic];
                double reward = random.nextDouble() < SyntheticLog.P[topic][logged] ? 1 : 0;
                estimator.add("u" + user, reward, 1.0, SyntheticLog.BAD[topic] == logged, true);
            }
        }

        Estimate candidate = estimator.estimate(0);
        Comparison comparison = estimator.compare(0, 1);

        assertEquals(1.0 / 3, candidate.coverage(), 0.07, candidate.toString());
        assertTrue(candidate.coverageCi95().high() < 1, candidate.toString());
        assertTrue(comparison.verdict() != Verdict.BETTER, comparison.toString());
        assertTrue(comparison.reason().contains("covers only"), comparison.reason());
    }

    @Test
    void aComparisonOnTooFewAgreeingDecisionsIsInsufficientData() {
        OffPolicyEstimator estimator = SyntheticLog.epsilonGreedy(new SplittableRandom(23), 10, 2, SyntheticLog.BAD, SyntheticLog.GOOD);

        Comparison comparison = estimator.compare(0, 1);

        assertEquals(Verdict.INSUFFICIENT_DATA, comparison.verdict(), comparison.toString());
        assertTrue(Double.isNaN(comparison.ci95().low()));
    }

    @Test
    void isUndefinedWithoutAgreement() {
        OffPolicyEstimator estimator = new OffPolicyEstimator(1);
        estimator.add("u", 1.0, 0.5, false);

        assertEquals(0.0, estimator.estimate(0).ips());
        assertTrue(Double.isNaN(estimator.estimate(0).snips()));
        assertEquals(0.0, estimator.estimate(0).coverage());
    }

    @Test
    void rejectsImpossibleInput() {
        assertThrows(IllegalArgumentException.class, () -> new OffPolicyEstimator(1).add("u", 1, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new OffPolicyEstimator(1).add("u", 1, 1.5, true));
        assertThrows(IllegalArgumentException.class, () -> new OffPolicyEstimator(1).add("u", 2, 0.5, true));
        assertThrows(IllegalArgumentException.class, () -> new OffPolicyEstimator(2).add("u", 1, 0.5, true));
    }
}
