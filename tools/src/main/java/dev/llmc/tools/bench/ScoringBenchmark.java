package dev.llmc.tools.bench;

import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.scoring.ContentBasedController;
import dev.llmc.model.scoring.Controller;
import dev.llmc.model.scoring.ExpertProfile;
import dev.llmc.model.scoring.ExpertRanking;
import dev.llmc.model.scoring.IndexedScan;
import dev.llmc.model.scoring.ScoredExpert;
import dev.llmc.model.scoring.ScoringSettings;
import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.model.training.ControllerManifest;
import dev.llmc.model.training.TrainingConfig;
import dev.llmc.model.training.internal.ControllerParameters;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one turn's scoring (the serving score of the top 10, e(C) given) over 1,000 to 1,000,000 experts, for the
 * content-based controller and a trained one (three heads, half its experts new and scored from their content θ),
 * by exact scan or by the HNSW index. Experts are clustered like sentence embeddings: 384-d unit vectors around 1,000
 * topics. An indexed trial prints the index's build time and recall@10 against the exact scan over 200 turns before
 * it is measured, and the time to remove and to add one expert after.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx8g"})
public class ScoringBenchmark {
    static final int DIMENSION = 384;
    private static final int TOPICS = 1_000;
    private static final int TOP_K = 10;
    private static final int QUERIES = 1_024;

    @Param({"1000", "10000", "100000", "1000000"})
    int experts;
    @Param({"content", "trained"})
    String controller;
    @Param({"exact", "indexed"})
    String scan;
    /** Candidates the index fetches for re-ranking. */
    @Param({"200"})
    int candidates;
    /** HNSW's beam width while building the index. */
    @Param({"100"})
    int beamWidth;
    /** Threads that build the index together. */
    @Param({"2"})
    int buildThreads;

    private ExpertRanking ranking;
    private float[][] queries;
    private int next;

    @Setup(Level.Trial)
    public void prepare() throws IOException {
        Random random = new Random(42);
        float[][] topics = new float[TOPICS][];
        for (int t = 0; t < TOPICS; t++) {
            topics[t] = unit(random, null, 0);
        }
        List<ExpertProfile> profiles = new ArrayList<>(experts);
        for (int m = 0; m < experts; m++) {
            profiles.add(new ExpertProfile("expert-" + m, unit(random, topics[random.nextInt(TOPICS)], 0.7)));
        }
        queries = new float[QUERIES][];
        for (int q = 0; q < QUERIES; q++) {
            queries[q] = unit(random, topics[random.nextInt(TOPICS)], 0.7);
        }
        Controller scorer = controller.equals("trained") ? trained(random, profiles) : new ContentBasedController();
        ScoringSettings exact = ScoringSettings.exact();
        if (scan.equals("exact")) {
            ranking = scorer.prepare(profiles, exact);
            return;
        }
        ScoringSettings indexed = new ScoringSettings(1, candidates, ScoringSettings.DEFAULT.maxConnections(), beamWidth,
                buildThreads);
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        ranking = scorer.prepare(profiles, indexed);
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        // On a shared machine the wall time says as much about the other processes as about the build.
        double buildCpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        ExpertRanking reference = scorer.prepare(profiles, exact);
        int found = 0;
        int turns = 200;
        for (int q = 0; q < turns; q++) {
            Set<String> truth = new HashSet<>(ids(reference.rank(queries[q], TOP_K)));
            found += (int) ranking.rank(queries[q], TOP_K).stream().filter(hit -> truth.contains(hit.expertId())).count();
        }
        System.out.printf("%nindex: %d experts, %s controller, beam %d, %d build thread(s): build %.1f s (%.1f s of CPU), "
                        + "recall@10 %.3f over %d turns%n", experts, controller, beamWidth, buildThreads, buildSeconds,
                buildCpuSeconds, found / (double) (TOP_K * turns), turns);
    }

    /** After the measurement: additions grow the graph, which would change what the searches measure. */
    @TearDown(Level.Trial)
    public void measureUpdates() throws IOException {
        if (ranking instanceof IndexedScan index) {
            measureUpdates(index, new Random(7));
        }
    }

    /** Removes one random expert from the graph and inserts it again, 20 times: medians of each. */
    private static void measureUpdates(IndexedScan index, Random random) throws IOException {
        int rounds = 20;
        long[] removals = new long[rounds];
        long[] additions = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            int row = random.nextInt(index.size());
            removals[i] = index.remove(row);
            additions[i] = index.add(row);
        }
        Arrays.sort(removals);
        Arrays.sort(additions);
        System.out.printf("index: remove one expert %.2f ms, add one %.2f ms (medians of %d, searchable after each)%n",
                removals[rounds / 2] / 1e6, additions[rounds / 2] / 1e6, rounds);
    }

    @Benchmark
    public List<ScoredExpert> rankTopTen() {
        float[] query = queries[next];
        next = (next + 1) % QUERIES;
        return ranking.rank(query, TOP_K);
    }

    /** A trained controller with the default k and serving weights that learned every other expert. */
    private static Controller trained(Random random, List<ExpertProfile> profiles) {
        TrainingConfig defaults = TrainingConfig.defaults();
        int k = defaults.k();
        List<String> learned = new ArrayList<>();
        for (int m = 0; m < profiles.size(); m += 2) {
            learned.add(profiles.get(m).expertId());
        }
        float[] projection = gaussian(random, DIMENSION * k, (float) (1 / Math.sqrt(DIMENSION)));
        float[][] theta = new float[ControllerParameters.HEADS][];
        float[][] bias = new float[ControllerParameters.HEADS][];
        for (int s = 0; s < ControllerParameters.HEADS; s++) {
            theta[s] = gaussian(random, learned.size() * k, 0.3f);
            bias[s] = gaussian(random, learned.size(), 0.2f);
        }
        ControllerParameters parameters = new ControllerParameters(DIMENSION, k, projection, theta, bias,
                new float[] {-0.5f, 1f, 0.3f}, new float[] {-1f, 0.5f, 0.5f});
        ControllerManifest manifest = new ControllerManifest("bench", Instant.EPOCH, learned, k,
                defaults.alphaRetry(), defaults.alphaRating(), defaults.alphaLength(), defaults.servingWeightRetry(),
                defaults.servingWeightRating(), defaults.servingWeightLength(), 0, 0, 0, 0, Map.of(), EncoderModel.STATIC.id());
        return ControllerArtifact.of(manifest, parameters).controller();
    }

    /** CPU time of this JVM, every thread (the build's, the collector's, the compiler's). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** A unit vector: normalise(centre + spread · noise), or a uniformly random direction without a centre. */
    static float[] unit(Random random, float[] centre, double spread) {
        float[] v = gaussian(random, DIMENSION, (float) (centre == null ? 1 : spread / Math.sqrt(DIMENSION)));
        double norm = 0;
        for (int i = 0; i < DIMENSION; i++) {
            if (centre != null) {
                v[i] += centre[i];
            }
            norm += v[i] * v[i];
        }
        float inverse = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < DIMENSION; i++) {
            v[i] *= inverse;
        }
        return v;
    }

    private static float[] gaussian(Random random, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }

    private static List<String> ids(List<ScoredExpert> ranking) {
        return ranking.stream().map(ScoredExpert::expertId).toList();
    }
}
