package dev.llmc.training;

import dev.llmc.model.training.TrainingConfig;
import dev.llmc.model.training.TrainingExample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic routing problem whose answer is known: conversations from two clusters of 384-d unit embeddings, expert
 * "alpha" rated well (and rarely retried) on cluster A and badly on B, expert "beta" the reverse.
 */
final class TwoClusters {

    static final int DIMENSION = 384;
    static final String ALPHA = "alpha";
    static final String BETA = "beta";

    final float[] centreA;
    final float[] centreB;
    private final SplittableRandom random;
    private final Map<String, float[]> contentTheta;

    TwoClusters(long seed) {
        random = new SplittableRandom(seed);
        centreA = unit(gaussian(1f));
        centreB = unit(gaussian(1f));
        contentTheta = Map.of(ALPHA, near(centreA, 0.5f), BETA, near(centreB, 0.5f));
    }

    /** Descriptions near the cluster each expert is good at. */
    Map<String, float[]> contentTheta() {
        return contentTheta;
    }

    /** A conversation embedding from cluster A (or B). */
    float[] point(boolean clusterA) {
        return near(clusterA ? centreA : centreB, 1.0f);
    }

    /** Full feedback: both experts answer every conversation (propensity 1), served one second apart. */
    List<TrainingExample> fullFeedback(int conversations) {
        List<TrainingExample> examples = new ArrayList<>();
        for (int i = 0; i < conversations; i++) {
            boolean clusterA = i % 2 == 0;
            float[] embedding = point(clusterA);
            for (String expert : List.of(ALPHA, BETA)) {
                boolean good = clusterA == expert.equals(ALPHA);
                float rating = good ? 4 + random.nextInt(2) : 1 + random.nextInt(2);
                boolean retried = random.nextDouble() < (good ? 0.1 : 0.6);
                examples.add(new TrainingExample("c" + i + "-" + expert, expert, embedding, 1f, 1_000L * i, rating,
                        retried, Float.NaN));
            }
        }
        return examples;
    }

    /** v plus isotropic Gaussian noise of the given total scale, normalised. */
    float[] near(float[] v, float noise) {
        float[] g = gaussian(noise);
        for (int i = 0; i < DIMENSION; i++) {
            g[i] += v[i];
        }
        return unit(g);
    }

    float[] randomUnit() {
        return unit(gaussian(1f));
    }

    private float[] gaussian(float scale) {
        float[] v = new float[DIMENSION];
        double perComponent = scale / Math.sqrt(DIMENSION);
        for (int i = 0; i < DIMENSION; i++) {
            v[i] = (float) (random.nextGaussian() * perComponent);
        }
        return v;
    }

    static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float inverse = (float) (1 / Math.sqrt(norm));
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = v[i] * inverse;
        }
        return u;
    }

    /** A small, quick configuration for tests: no hold-out unless a test asks for one. */
    static TrainingConfig config() {
        return new TrainingConfig(8, 1.0, 1.0, 0.1, -2.0, 1.0, 0.1, 30.0, 40, 256, 0.02, 7L, 0.0);
    }
}
