package dev.llmc.abtest.stats;

import dev.llmc.abtest.experiment.Arm;
import dev.llmc.abtest.experiment.PolicySpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentStatisticsTest {

    @Test
    void deltaMethodMatchesTheValueComputedByHand() {
        // Y = (4, 9, 2), N = (1, 2, 1): R = 15/4; s²_Y = 13, s²_N = 1/3, s_YN = 2, N̄ = 4/3;
        // Var = (13 − 2·3.75·2 + 3.75²/3) / (3 · 16/9) = 2.6875 / 5.3333… = 0.50390625.
        RatioEstimate estimate = RatioEstimate.of(new double[] {4, 9, 2}, new double[] {1, 2, 1});
        assertEquals(3.75, estimate.mean(), 1e-12);
        assertEquals(Math.sqrt(0.50390625), estimate.standardError(), 1e-12);
        assertEquals(3.75 - 1.959963984540054 * Math.sqrt(0.50390625), estimate.ci95()[0], 1e-12);
    }

    @Test
    void withOneMessagePerUnitTheStandardErrorIsTheUsualOne() {
        double[] y = {1, 0, 0, 1, 1, 0, 1, 1};
        double[] n = {1, 1, 1, 1, 1, 1, 1, 1};
        // mean 5/8, sample variance (5·(3/8)² + 3·(5/8)²)/7 = 15/56; SE = √(15/56/8).
        assertEquals(Math.sqrt(15.0 / 56 / 8), RatioEstimate.of(y, n).standardError(), 1e-12);
    }

    @Test
    void aRatesIntervalStaysWithinZeroAndOneAndIsNotDegenerateAtZero() {
        // 3 retries in 40 single-message units: the normal interval would reach below 0.
        double[] y = new double[40];
        double[] n = new double[40];
        java.util.Arrays.fill(n, 1);
        y[0] = y[1] = y[2] = 1;
        RatioEstimate rate = RatioEstimate.of(y, n);
        assertTrue(rate.ci95()[0] < 0, "the normal interval is the surprise being fixed");
        double[] wilson = rate.wilsonCi95(40);
        // Wilson with n = 40 (n_eff = p(1-p)/SE² = 40·39/39 = 40 here would differ only by the sample variance's n-1):
        assertTrue(wilson[0] > 0 && wilson[0] < 0.075 && wilson[1] > 0.075 && wilson[1] < 1, java.util.Arrays.toString(wilson));
        double[] none = RatioEstimate.of(new double[40], n).wilsonCi95(40);
        assertEquals(0, none[0], 1e-12);
        // z²/(n + z²) for no successes in 40.
        assertEquals(3.841458820694124 / (40 + 3.841458820694124), none[1], 1e-9);
    }

    @Test
    void resultsKeepEveryIntervalInsideItsMetricsRange() {
        List<Arm> arms = List.of(new Arm("control", 0.5, true, "content", null, null),
                new Arm("other", 0.5, false, "content", null, null));
        List<UnitAggregate> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // Ratings mostly 5, few retries, short conversations: normal intervals would pass 5, 0 and 0.
            rows.add(new UnitAggregate("control", "c" + i, 1, 1, i == 0 ? 1 : 5, i == 0 ? 1 : 0, i == 0 ? 3 : 0));
            rows.add(new UnitAggregate("other", "o" + i, 1, 1, 5, 0, 0));
        }
        for (ArmResult arm : ExperimentStatistics.compute(arms, rows).arms()) {
            assertTrue(arm.ratingCi95()[0] >= 1 && arm.ratingCi95()[1] <= 5, arm.toString());
            assertTrue(arm.retryRateCi95()[0] >= 0 && arm.retryRateCi95()[1] <= 1 && arm.retryRateCi95()[1] > 0, arm.toString());
            assertTrue(arm.conversationLengthCi95()[0] >= 0, arm.toString());
        }
    }

    @Test
    void theTimelineIsCumulativeAndCountsAUnitOnce() {
        List<Arm> arms = List.of(new Arm("control", 0.5, true, "content", null, null),
                new Arm("other", 0.5, false, "content", null, null));
        java.time.Instant h0 = java.time.Instant.parse("2026-12-01T10:00:00Z");
        java.time.Instant h1 = h0.plusSeconds(3600);
        List<ExperimentTimeline.Point> points = ExperimentTimeline.compute(arms, List.of(
                new ExperimentTimeline.BucketedAggregate(h0, new UnitAggregate("control", "u1", 1, 1, 5, 0, 0)),
                new ExperimentTimeline.BucketedAggregate(h0, new UnitAggregate("other", "u2", 1, 1, 1, 1, 0)),
                new ExperimentTimeline.BucketedAggregate(h1, new UnitAggregate("control", "u1", 1, 1, 3, 0, 0)),
                new ExperimentTimeline.BucketedAggregate(h1, new UnitAggregate("control", "u3", 2, 0, 0, 0, 0))), 3600);
        assertEquals(2, points.size());
        assertEquals(h1, points.get(0).until());
        assertEquals(1, points.get(0).results().arms().get(0).units());
        assertEquals(5.0, points.get(0).results().arms().get(0).ratingMean(), 1e-12);
        // Up to the end of the second hour: u1 (two messages, ratings 5 and 3) and u3 (two unrated messages).
        ArmResult control = points.get(1).results().arms().get(0);
        assertEquals(2, control.units());
        assertEquals(4, control.messages());
        assertEquals(4.0, control.ratingMean(), 1e-12);
        assertEquals(1, points.get(1).results().arms().get(1).units());
    }

    @Test
    void pValueOfADifferenceOfOnePointNineSixStandardErrorsIsFivePercent() {
        RatioEstimate control = new RatioEstimate(0, 1, 100);
        RatioEstimate treatment = new RatioEstimate(1.959963984540054 * Math.sqrt(2), 1, 100);
        assertEquals(0.05, treatment.pValueAgainst(control), 1e-6);
    }

    @Test
    void distributionFunctionsMatchTables() {
        assertEquals(0.975, Distributions.normalCdf(1.959963984540054), 1e-7);
        assertEquals(0.5, Distributions.normalCdf(0), 1e-7);
        assertEquals(0.05, Distributions.chiSquareSurvival(3.841458820694124, 1), 1e-7);
        assertEquals(0.05, Distributions.chiSquareSurvival(5.991464547107979, 2), 1e-7);
        assertEquals(0.05, Distributions.chiSquareSurvival(11.070497693516351, 5), 1e-7);
        assertEquals(0.001, Distributions.chiSquareSurvival(10.827566170662733, 1), 1e-8);
    }

    @Test
    void sampleRatioMismatchIsFlaggedForASixtyFortySplitOfAFiftyFiftyExperiment() {
        SrmCheck srm = SrmCheck.of(new long[] {600, 400}, new double[] {0.5, 0.5});
        assertEquals(40.0, srm.chi2(), 1e-9);
        assertTrue(srm.flagged());
        assertFalse(SrmCheck.of(new long[] {505, 495}, new double[] {0.5, 0.5}).flagged());
    }

    @Test
    void computesPerArmResultsFromUnitAggregates() {
        List<Arm> arms = List.of(new Arm("control", 0.5, true, "content", null, null),
                new Arm("random", 0.5, false, null, new PolicySpec("random", null, null), null));
        List<UnitAggregate> rows = new ArrayList<>();
        // Control units: 2 messages each, ratings 4 and 5, no retries, conversation length 1 per message.
        // Treatment units: 2 messages each, ratings 2 and 3, one retry each.
        for (int i = 0; i < 50; i++) {
            rows.add(new UnitAggregate("control", "c" + i, 2, 2, i % 2 == 0 ? 9 : 8, 0, 2));
            rows.add(new UnitAggregate("random", "r" + i, 2, 2, i % 2 == 0 ? 5 : 4, 1, 2));
        }
        ExperimentResults results = ExperimentStatistics.compute(arms, rows);
        ArmResult control = results.arms().get(0);
        ArmResult random = results.arms().get(1);
        assertEquals(50, control.units());
        assertEquals(100, control.messages());
        assertEquals(4.25, control.ratingMean(), 1e-12);
        assertEquals(2.25, random.ratingMean(), 1e-12);
        assertEquals(0.5, random.retryRate(), 1e-12);
        assertEquals(1.0, random.conversationLengthMean(), 1e-12);
        assertEquals((2.25 - 4.25) / 4.25, random.ratingLift(), 1e-12);
        assertTrue(random.ratingPValue() < 1e-6);
        assertNull(control.ratingLift());
        assertEquals(0.0, results.srm().chi2(), 1e-12);
    }
}
