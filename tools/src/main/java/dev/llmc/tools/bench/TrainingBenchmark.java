package dev.llmc.tools.bench;

import dev.llmc.tools.ProgressBar;
import dev.llmc.training.ControllerTrainer;
import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.model.training.TrainingConfig;
import dev.llmc.model.training.TrainingExample;
import dev.llmc.training.TrainingProgress;

import dev.llmc.training.internal.TorchControllerFit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Times {@link ControllerTrainer#train} on synthetic logged traffic: 384-d unit embeddings around 32 topics, 20
 * experts whose quality depends on the topic, an ε-greedy logging policy with recorded propensities, every example
 * with a retry signal, 30% rated, 80% with a known conversation length. Arguments (all optional): examples
 * (1,000,000), epochs (the default config's). Progress goes to stderr, one summary line to stdout. PyTorch uses
 * one intra-op thread unless {@code -Dai.djl.pytorch.num_threads=N} says otherwise.
 */
public final class TrainingBenchmark {

    private static final int DIMENSION = 384;
    private static final int EXPERTS = 20;
    private static final int TOPICS = 32;
    private static final double EXPLORATION = 0.2;

    private TrainingBenchmark() {
    }

    /** {@code llmc-tools bench train [examples] [epochs]}; epochs null: the training default. */
    static void run(int examples, Integer epochCount) {
        TrainingConfig config = TrainingConfig.defaults();
        if (epochCount != null) {
            config = config.withEpochs(epochCount);
        }
        SplittableRandom random = new SplittableRandom(7);
        float[][] topics = new float[TOPICS][];
        for (int t = 0; t < TOPICS; t++) {
            topics[t] = unitGaussian(random, 1.0f, null, 0f);
        }
        Map<String, float[]> content = new HashMap<>();
        double[][] skill = new double[EXPERTS][TOPICS];
        for (int m = 0; m < EXPERTS; m++) {
            int specialty = m % TOPICS;
            content.put(expertId(m), unitGaussian(random, 0.5f, topics[specialty], 1f));
            for (int t = 0; t < TOPICS; t++) {
                skill[m][t] = random.nextGaussian() * 0.5 + (t == specialty ? 1.5 : 0) + m * 0.02;
            }
        }

        System.err.printf("generating %,d synthetic examples…%n", examples);
        List<TrainingExample> logged = new ArrayList<>(examples);
        for (int i = 0; i < examples; i++) {
            int topic = random.nextInt(TOPICS);
            float[] embedding = unitGaussian(random, 0.6f, topics[topic], 1f);
            // ε-greedy logging policy around a fixed, imperfect favourite per topic.
            int favourite = (topic * 7) % EXPERTS;
            int expert = random.nextDouble() < EXPLORATION ? random.nextInt(EXPERTS) : favourite;
            float propensity = (float) (EXPLORATION / EXPERTS + (expert == favourite ? 1 - EXPLORATION : 0));
            double quality = skill[expert][topic] + random.nextGaussian() * 0.5;
            boolean retried = random.nextDouble() < 1 / (1 + Math.exp(1 + 1.5 * quality));
            float rating = random.nextDouble() < 0.3
                    ? (float) Math.max(1, Math.min(5, Math.round(3 + quality + random.nextGaussian() * 0.7))) : Float.NaN;
            float length = random.nextDouble() < 0.8 ? (float) Math.floor(Math.exp(1 + 0.3 * quality) * random.nextDouble() * 2)
                    : Float.NaN;
            logged.add(new TrainingExample("m" + i, expertId(expert), embedding, propensity, 1_700_000_000_000L + i * 1000L,
                    rating, retried, length));
        }

        double[] lastLoss = {Double.NaN};
        ProgressBar bar = new ProgressBar(System.err, "train");
        TrainingProgress progress = (epoch, epochs, seen, total, rate, loss, eta) -> {
            lastLoss[0] = loss;
            bar.update(seen, total, String.format(Locale.ROOT, "epoch %d/%d  %,d/%,d examples  %.0f examples/s  loss %.4f  ETA %s",
                    epoch, epochs, seen, total, rate, loss, format(eta)));
        };
        long start = System.nanoTime();
        ControllerArtifact artifact = new ControllerTrainer(config).train("benchmark", logged, content, "synthetic", progress);
        double seconds = (System.nanoTime() - start) / 1e9;
        bar.finish();
        long trained = artifact.manifest().trainingExamples();
        System.err.println("hold-out metrics: " + artifact.manifest().metrics());
        System.out.printf(Locale.ROOT, "trained %d examples x %d epoch%s in %.1f s: %.0f examples/s, final loss %.3f, "
                + "threads=%d (%d logged: %d hold-out evaluated within the time)%n",
                trained, config.epochs(), config.epochs() == 1 ? "" : "s", seconds, trained * config.epochs() / seconds,
                lastLoss[0], Integer.getInteger(TorchControllerFit.THREADS_PROPERTY, 1), examples,
                artifact.manifest().holdoutExamples());
    }

    private static String expertId(int m) {
        return String.format(Locale.ROOT, "expert-%02d", m);
    }

    /** A unit vector: centre·centreWeight plus Gaussian noise of the given scale per component, normalised. */
    private static float[] unitGaussian(SplittableRandom random, float noise, float[] centre, float centreWeight) {
        float[] v = new float[DIMENSION];
        double norm = 0;
        double scale = noise / Math.sqrt(DIMENSION);
        for (int i = 0; i < DIMENSION; i++) {
            v[i] = (float) (random.nextGaussian() * scale + (centre == null ? 0 : centre[i] * centreWeight));
            norm += v[i] * v[i];
        }
        float inverse = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < DIMENSION; i++) {
            v[i] *= inverse;
        }
        return v;
    }

    private static String format(Duration eta) {
        return String.format(Locale.ROOT, "%d:%02d", eta.toMinutes(), eta.toSecondsPart());
    }
}
