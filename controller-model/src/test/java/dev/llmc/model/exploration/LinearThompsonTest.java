package dev.llmc.model.exploration;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinearThompsonTest {

    private static double[] unitVector(SplittableRandom random, int dimension) {
        double[] x = new double[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            x[i] = random.nextDouble(-1, 1);
            norm += x[i] * x[i];
        }
        for (int i = 0; i < dimension; i++) {
            x[i] /= Math.sqrt(norm);
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Test
    void posteriorMeanConvergesToTheTrueThetaAndItsVarianceShrinks() {
        SplittableRandom random = new SplittableRandom(7);
        double[] theta = {0.8, -0.5, 0.3, 0.0, 0.6, -0.2};
        double[] probe = unitVector(random, theta.length);
        LinearPosterior posterior = LinearPosterior.prior(theta.length, 1.0);
        double previousVariance = posterior.varianceAt(probe);
        assertEquals(1.0, previousVariance, 1e-6, "prior variance of a unit x is 1/λ");
        for (int batch = 0; batch < 20; batch++) {
            double[][] xs = new double[100][];
            double[] rewards = new double[100];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = unitVector(random, theta.length);
                rewards[i] = dot(theta, xs[i]) + 0.1 * random.nextDouble(-1.7, 1.7);
            }
            posterior = posterior.with(xs, rewards);
            double variance = posterior.varianceAt(probe);
            assertTrue(variance < previousVariance, "variance shrinks with every batch: " + variance + " after " + previousVariance);
            previousVariance = variance;
        }
        assertEquals(2000, posterior.observations());
        double[] mean = posterior.mean();
        for (int i = 0; i < theta.length; i++) {
            assertEquals(theta[i], mean[i], 0.03, "θ[" + i + "]");
        }
        assertTrue(previousVariance < 0.01, "after 2000 observations in 6 dimensions xᵀA⁻¹x ≈ d/n, was " + previousVariance);
    }

    @Test
    void shermanMorrisonUpdatesEqualTheBatchSolution() {
        SplittableRandom random = new SplittableRandom(11);
        int d = 5;
        double lambda = 2.0;
        double[][] xs = new double[40][];
        double[] rewards = new double[40];
        DMatrixRMaj precision = CommonOps_DDRM.identity(d);
        CommonOps_DDRM.scale(lambda, precision);
        DMatrixRMaj b = new DMatrixRMaj(d, 1);
        for (int i = 0; i < xs.length; i++) {
            xs[i] = unitVector(random, d);
            rewards[i] = random.nextDouble();
            DMatrixRMaj x = DMatrixRMaj.wrap(d, 1, xs[i]);
            CommonOps_DDRM.multAddTransB(x, x, precision);
            CommonOps_DDRM.addEquals(b, rewards[i], x);
        }
        DMatrixRMaj expected = new DMatrixRMaj(d, 1);
        CommonOps_DDRM.solve(precision, b, expected);
        DMatrixRMaj inverse = new DMatrixRMaj(d, d);
        CommonOps_DDRM.invert(precision, inverse);

        LinearPosterior posterior = LinearPosterior.prior(d, lambda).with(xs, rewards);
        double[] mean = posterior.mean();
        for (int i = 0; i < d; i++) {
            assertEquals(expected.get(i, 0), mean[i], 1e-9);
        }
        double[] probe = unitVector(random, d);
        DMatrixRMaj p = DMatrixRMaj.wrap(d, 1, probe);
        DMatrixRMaj inverseP = new DMatrixRMaj(d, 1);
        CommonOps_DDRM.mult(inverse, p, inverseP);
        double exact = dot(probe, inverseP.data);
        assertEquals(exact, posterior.varianceAt(probe), 1e-6 * exact, "xᵀA⁻¹x from the packed float triangle");
    }

    /** Φ by the Taylor series of erf, exact to ~1e-15 for |z| < 3. */
    private static double normalCdf(double z) {
        double x = z / Math.sqrt(2);
        double term = x;
        double sum = x;
        for (int n = 1; n < 60; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 0.5 + sum / Math.sqrt(Math.PI);
    }

    /** Two experts a (prior score 0.40) and b (0.10) with different posteriors at x, and a's exact probability of winning. */
    private record TwoExperts(double[] x, List<LinearThompson.Candidate> candidates, double aWins) {
        static TwoExperts withNoise(double noise) {
            double[] x = LinearThompson.features(new float[]{0.6f, 0.8f});
            LinearPosterior a = LinearPosterior.prior(3, 1.0);
            LinearPosterior b = LinearPosterior.prior(3, 4.0);
            double sigmaA = noise * Math.sqrt(a.varianceAt(x));
            double sigmaB = noise * Math.sqrt(b.varianceAt(x));
            // P(a wins) = Φ((μa − μb) / √(σa² + σb²)).
            return new TwoExperts(x, List.of(new LinearThompson.Candidate("a", 0.40, a), new LinearThompson.Candidate("b", 0.10, b)),
                    normalCdf(0.30 / Math.sqrt(sigmaA * sigmaA + sigmaB * sigmaB)));
        }
    }

    @Test
    void monteCarloPropensitiesMatchTheClosedFormForTwoExperts() {
        double noise = 0.3;
        TwoExperts two = TwoExperts.withNoise(noise);
        double[] x = two.x();
        List<LinearThompson.Candidate> candidates = two.candidates();
        double exact = two.aWins();
        assertTrue(exact > 0.6 && exact < 0.9, "a case where both experts are chosen: " + exact);

        int samples = 1000;
        LinearThompson policy = new LinearThompson(noise, samples);
        SplittableRandom random = new SplittableRandom(3);
        double standardError = Math.sqrt(exact * (1 - exact) / samples);
        int servedA = 0;
        double meanEstimate = 0;
        int turns = 2000;
        for (int turn = 0; turn < turns; turn++) {
            LinearThompson.Selection selection = policy.select(x, candidates, random);
            assertEquals(1.0, selection.probabilities()[0] + selection.probabilities()[1], 1e-12);
            assertEquals(exact, selection.probabilities()[0], 5 * standardError, "one estimate within 5 standard errors");
            assertTrue(selection.probabilities()[selection.chosen()] >= 1.0 / samples, "the served expert's estimate is never 0");
            meanEstimate += selection.probabilities()[0] / turns;
            servedA += selection.chosen() == 0 ? 1 : 0;
        }
        assertEquals(exact, meanEstimate, 0.002, "estimates are unbiased");
        assertEquals(exact, servedA / (double) turns, 4 * Math.sqrt(exact * (1 - exact) / turns), "served as often as estimated");
    }

    /**
     * The IPS weight of a Monte Carlo propensity: the served expert's estimate is (1 + B)/K with B ~ Bin(K − 1, p), so
     * E[1/p̂ | served] = (1 − (1 − p)^K)/p, and a target that always picks that expert is estimated at 1 − (1 − p)^K of
     * its value (docs/exploration.md): a real under-estimate where Kp is small, negligible once Kp ≥ 5.
     */
    @Test
    void ipsWeightsOfMonteCarloPropensitiesUnderweightARareChoiceByOneMinusPToTheK() {
        double noise = 0.12;
        TwoExperts two = TwoExperts.withNoise(noise);
        double rare = 1 - two.aWins();
        assertTrue(rare > 0.04 && rare < 0.07, "b is a rare choice: " + rare);

        for (int samples : new int[] {20, 1000}) {
            LinearThompson policy = new LinearThompson(noise, samples);
            SplittableRandom random = new SplittableRandom(samples);
            int turns = samples == 20 ? 200_000 : 20_000;
            double sum = 0;
            double squares = 0;
            for (int turn = 0; turn < turns; turn++) {
                LinearThompson.Selection selection = policy.select(two.x(), two.candidates(), random);
                // IPS of "always b" with reward 1: 1[served b] / p̂_b.
                double weight = selection.chosen() == 1 ? 1 / selection.probabilities()[1] : 0;
                sum += weight;
                squares += weight * weight;
            }
            double mean = sum / turns;
            double standardError = Math.sqrt((squares / turns - mean * mean) / turns);
            double expected = 1 - Math.pow(1 - rare, samples);
            System.out.printf("IPS of a rare choice, p = %.4f, K = %d: mean weight·1[served] %.4f ± %.4f, 1 − (1 − p)^K = %.4f%n",
                    rare, samples, mean, standardError, expected);
            assertEquals(expected, mean, 5 * standardError, "K = " + samples + ": E[1[b]/p̂] = 1 − (1 − p)^K");
            if (samples == 20) {
                assertTrue(mean < 0.8, "at Kp ≈ 1.1 a third of the value is missing: " + mean);
            } else {
                assertEquals(1.0, mean, 5 * standardError, "at Kp ≈ 57 the weights are unbiased");
            }
        }
    }

    @Test
    void aCertainWinnerGetsPropensityOne() {
        double[] x = LinearThompson.features(new float[]{1f});
        LinearPosterior tight = LinearPosterior.prior(2, 1e9);
        LinearThompson.Selection selection = new LinearThompson(0.1, 200).select(x, List.of(
                new LinearThompson.Candidate("best", 1.0, tight), new LinearThompson.Candidate("worse", 0.0, tight)),
                new SplittableRandom(1));
        assertEquals(0, selection.chosen());
        assertEquals(1.0, selection.probabilities()[0]);
        assertEquals(0.0, selection.probabilities()[1]);
        assertEquals(1.0, selection.means()[0], 1e-12);
    }

    @Test
    void rejectsParametersThatCannotExplore() {
        assertThrows(IllegalArgumentException.class, () -> new LinearThompson(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new LinearThompson(0.2, 0));
        assertThrows(IllegalArgumentException.class, () -> LinearPosterior.prior(4, 0));
    }
}
