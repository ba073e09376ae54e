package dev.llmc.tools.bench;

import dev.llmc.model.encoder.MiniLmTokenizer;
import dev.llmc.model.encoder.OnnxSentenceEncoder;
import dev.llmc.model.encoder.BatchingSentenceEncoder;
import dev.llmc.model.encoder.EncoderSettings;
import dev.llmc.model.encoder.BatchStats;
import dev.llmc.model.encoder.BatchListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Compares (a) one text at a time, (b) dynamic batching and (c) dynamic batching with length buckets on conversations
 * of 20–128 tokens: closed-loop throughput, then p50/p99 latency under open-loop Poisson arrivals at 70% of (c)'s
 * throughput, and the padding ratio. Arguments (all optional): seconds per measurement (4), intra-op threads per
 * batch worker (1), batch workers (available processors), window in ms (2), max batch (16), bucket width in tokens (16).
 *
 * <p>Each mode runs with the threads that suit it: (a) serves one text at a time, so one forward pass gets every core
 * as intra-op threads; the batching modes use the given threads × workers. Two more rows separate what batching gains
 * from what parallel workers gain: one text per pass on the batching modes' threads × workers, and (c) on a single
 * worker with every core per pass. Last, a simulation with single-text pass times measured here shows the latency
 * other schedulers, and an ideal one, would reach at the same offered load.
 */
public final class BatchingBenchmark {

    private static final int MAX_TOKENS = 128;
    private static final int MIN_TOKENS = 20;
    private static final int CONVERSATIONS = 1000;
    /** Enough closed-loop callers to keep every batch full. */
    private static final int CLIENTS = 64;
    private static final double LOAD_SHARE = 0.7;
    private static final int ROUNDS = 3;
    private static final int SIMULATED_ARRIVALS = 200_000;
    /** The latency target at 70% load. */
    private static final double P99_TARGET_MS = 50;
    private static final List<String> USER_TURNS = List.of(
            "How long should I knead bread dough by hand?",
            "My sourdough starter smells like nail polish remover, is it dead?",
            "Why does my Java build fail with a NullPointerException in Main.java at line 10?",
            "git says I have a merge conflict in pom.xml, how do I resolve it without losing my changes?",
            "I have felt lonely since my dog died last month and I cannot focus at work.",
            "Can you recommend a three day itinerary for Lisbon on a small budget?",
            "What is the difference between a Roth IRA and a traditional one for someone who is 30?",
            "My Python script throws KeyError when I read the config dictionary, what am I doing wrong?",
            "How do I make the sauce thicker without adding more flour?",
            "I keep arguing with my sister about our parents' care and it is wearing me out.");
    private static final List<String> ASSISTANT_TURNS = List.of(
            "Knead for about ten minutes, until the dough is smooth and springs back when you poke it.",
            "That acetone smell means it is hungry: discard half and feed it twice a day for a few days.",
            "A NullPointerException means something was null when you used it; check which reference on line 10 was never assigned.",
            "Open the file, keep the lines you want between the conflict markers, then add the file and commit.",
            "I am sorry about your dog. Grief like this is normal, and talking to someone you trust can help.",
            "Spend a day in Alfama and Baixa, a day in Belém, and take the train to Sintra on the third.",
            "Roth contributions are taxed now and grow tax-free; traditional ones are deducted now and taxed later.",
            "The key you ask for is not in the dictionary: use get() with a default or check the spelling of the key.",
            "Let it simmer uncovered so water evaporates, or whisk in a little cornstarch slurry at the end.",
            "Caring for parents is hard on siblings; it may help to agree on who does what, in writing.");

    private BatchingBenchmark() {
    }

    /** One configuration under test. */
    private record Mode(String name, int threads, EncoderSettings options) {
    }

    /** Batching settings for one mode; the engine is loaded with the mode's own thread count. */
    private static EncoderSettings options(Duration window, int maxBatch, int queueCapacity, int bucketWidth, int workers) {
        return new EncoderSettings(MAX_TOKENS, 1, OnnxSentenceEncoder.DeviceChoice.AUTO, window, maxBatch, bucketWidth,
                queueCapacity, workers);
    }

    /** Sums what the batcher reports while the counters are enabled. */
    private static final class Totals implements BatchListener {
        final AtomicLong batches = new AtomicLong();
        final AtomicLong texts = new AtomicLong();
        final AtomicLong tokens = new AtomicLong();
        final AtomicLong padded = new AtomicLong();
        volatile boolean counting;

        @Override
        public void batchEncoded(BatchStats stats) {
            if (counting) {
                batches.incrementAndGet();
                texts.addAndGet(stats.size());
                tokens.addAndGet(stats.tokens());
                padded.addAndGet(stats.paddedTokens());
            }
        }
    }

    /** {@code llmc-tools bench batching [seconds] [threads] [workers] [window-ms] [max-batch] [bucket-width]}. */
    static void run(int seconds, int threads, int workers, double windowMillis, int maxBatch, int bucketWidth) throws Exception {
        Duration window = Duration.ofNanos((long) (windowMillis * 1e6));
        int cores = Runtime.getRuntime().availableProcessors();
        // The latency phase of (a) queues up by design; the queue must hold that backlog rather than refuse it.
        int capacity = 1_000_000;
        String loadBefore = loadAverage();

        MiniLmTokenizer tokenizer = MiniLmTokenizer.load();
        List<String> texts = conversations(tokenizer);
        int[] tokens = texts.stream().mapToInt(text -> tokenizer.countTokens(text) + 2).toArray();
        List<Mode> modes = List.of(
                new Mode("(a) one text at a time", cores, options(Duration.ZERO, 1, capacity, MAX_TOKENS, 1)),
                new Mode("(a) on " + workers + " worker(s), " + threads + " thread(s)", threads,
                        options(Duration.ZERO, 1, capacity, MAX_TOKENS, workers)),
                new Mode("(b) dynamic batching", threads, options(window, maxBatch, capacity, MAX_TOKENS, workers)),
                new Mode("(c) batching + length buckets", threads,
                        options(window, maxBatch, capacity, bucketWidth, workers)),
                new Mode("(c) on 1 worker, " + cores + " threads", cores,
                        options(window, maxBatch, capacity, bucketWidth, 1)));

        // All encoders stay loaded and the modes take turns, round after round: on a shared machine the load
        // drifts, and interleaving spreads that drift over the modes instead of charging it to one of them.
        List<Totals> totals = new ArrayList<>();
        List<BatchingSentenceEncoder> encoders = new ArrayList<>();
        String device;
        try {
            for (Mode mode : modes) {
                Totals modeTotals = new Totals();
                totals.add(modeTotals);
                encoders.add(new BatchingSentenceEncoder(
                        OnnxSentenceEncoder.load(tokenizer, MAX_TOKENS, mode.threads()), mode.options(), modeTotals));
            }
            device = encoders.get(0).device();
            double[][] rates = new double[modes.size()][ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                for (int m = 0; m < modes.size(); m++) {
                    rates[m][round] = closedLoop(encoders.get(m), totals.get(m), texts, seconds);
                }
            }
            double offered = LOAD_SHARE * median(rates[3]);
            // (a)'s encoders have no window and batches of one: their passes are a text's bare service time.
            ServiceCurve allCores = ServiceCurve.measure(encoders.get(0), texts, tokens);
            ServiceCurve perWorker = ServiceCurve.measure(encoders.get(1), texts, tokens);
            List<ConcurrentLinkedQueue<Double>> latencies = new ArrayList<>();
            modes.forEach(mode -> latencies.add(new ConcurrentLinkedQueue<>()));
            int failed = 0;
            for (int round = 0; round < ROUNDS; round++) {
                for (int m = 0; m < modes.size(); m++) {
                    failed += openLoop(encoders.get(m), texts, offered, seconds, latencies.get(m), round);
                }
            }
            print(modes, totals, rates, latencies, failed, offered, tokens, device, threads, workers, window, maxBatch,
                    bucketWidth, seconds, loadBefore);
            printSimulation(offered, median(rates[3]), tokens, allCores, perWorker, cores, threads, workers);
        } finally {
            encoders.forEach(BatchingSentenceEncoder::close);
        }
    }

    private static void print(List<Mode> modes, List<Totals> totals, double[][] rates,
                              List<ConcurrentLinkedQueue<Double>> latencies, int failed, double offered, int[] tokens,
                              String device, int threads, int workers, Duration window, int maxBatch, int bucketWidth,
                              int seconds, String loadBefore) {
        IntSummary lengths = new IntSummary(tokens);
        double meanTokens = lengths.mean();
        System.out.printf("%nBatching benchmark: all-MiniLM-L6-v2 (full precision) on %s; %d conversations of %d-%d tokens"
                + " (mean %.0f), truncated to %d%n", device, CONVERSATIONS, lengths.min(), lengths.max(), meanTokens, MAX_TOKENS);
        System.out.printf("(b), (c): %d intra-op thread(s) x %d batch worker(s), window=%.1f ms, max batch=%d, bucket width=%d tokens;"
                + " %d interleaved rounds per mode of: throughput with %d closed-loop callers for %d s (median shown),"
                + " then latency under Poisson arrivals at %.1f conv/s = 70%% of (c) for %d s%n",
                threads, workers, window.toNanos() / 1e6, maxBatch, bucketWidth, ROUNDS, CLIENTS, seconds, offered, seconds);
        System.out.printf("%n| %-30s | %8s | %9s | %7s | %10s | %7s | %7s | %7s |%n",
                "mode", "conv/s", "tokens/s", "padding", "mean batch", "p50 ms", "p99 ms", "vs (a)");
        System.out.println("|" + "-".repeat(32) + "|" + "-".repeat(10) + "|" + "-".repeat(11) + "|" + "-".repeat(9)
                + "|" + "-".repeat(12) + "|" + "-".repeat(9) + "|" + "-".repeat(9) + "|" + "-".repeat(9) + "|");
        double base = median(rates[0]);
        for (int m = 0; m < modes.size(); m++) {
            Totals t = totals.get(m);
            double padding = t.padded.get() == 0 ? 0 : 1 - (double) t.tokens.get() / t.padded.get();
            double meanBatch = t.batches.get() == 0 ? 0 : (double) t.texts.get() / t.batches.get();
            double[] sorted = latencies.get(m).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double rate = median(rates[m]);
            System.out.printf("| %-30s | %8.1f | %9.0f | %6.1f%% | %10.1f | %7.1f | %7.1f | %6.2fx |%n",
                    modes.get(m).name(), rate, rate * (double) t.tokens.get() / Math.max(1, t.texts.get()),
                    100 * padding, meanBatch, percentile(sorted, 0.50), percentile(sorted, 0.99), rate / base);
        }
        for (int m = 0; m < modes.size(); m++) {
            System.out.printf("%s conv/s per round: %s%n", modes.get(m).name(), Arrays.toString(
                    Arrays.stream(rates[m]).map(r -> Math.round(r * 10) / 10.0).toArray()));
        }
        if (failed > 0) {
            System.out.printf("%d requests of the latency phase did not finish within 60 s%n", failed);
        }
        System.out.printf("%nPadding: pad tokens / all tokens computed, over the throughput phase. tokens/s counts real"
                + " tokens only. Latency counts from each request's planned arrival, queueing included.%n");
        System.out.printf("Threads (intra-op x workers) on %d cores: %s.%n", Runtime.getRuntime().availableProcessors(),
                String.join(", ", modes.stream().map(mode -> mode.name() + " " + mode.threads() + "x"
                        + mode.options().workers()).toList()));
        System.out.printf("load average before: %s; after: %s%n", loadBefore, loadAverage());
    }

    /** Conversations with role markers whose token counts spread evenly over [MIN_TOKENS, MAX_TOKENS]. */
    private static List<String> conversations(MiniLmTokenizer tokenizer) {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>(CONVERSATIONS);
        for (int i = 0; i < CONVERSATIONS; i++) {
            int length = MIN_TOKENS + random.nextInt(MAX_TOKENS - MIN_TOKENS + 1);
            StringBuilder chat = new StringBuilder();
            for (int turn = 0; turn < 8; turn++) {
                List<String> pool = turn % 2 == 0 ? USER_TURNS : ASSISTANT_TURNS;
                chat.append(turn % 2 == 0 ? "user: " : "assistant: ").append(pool.get(random.nextInt(pool.size()))).append('\n');
            }
            chat.append("user: ").append(USER_TURNS.get(random.nextInt(USER_TURNS.size())));
            // Like the conversation formatter, keep the end: the latest turns.
            texts.add(tokenizer.keepEnd(chat.toString(), length - 2));
        }
        return texts;
    }

    /**
     * Replays the latency phase's arrivals (same rate, same texts in the same order, many more of them) through
     * {@link QueueSimulation} with the pass times measured above, for schedulers the encoder has and for ideal ones, so
     * that a latency target can be checked against what any scheduler on this machine could reach.
     */
    private static void printSimulation(double offered, double batchedRate, int[] tokens, ServiceCurve allCores,
                                        ServiceCurve perWorker, int cores, int threads, int workers) {
        double[] arrivals = QueueSimulation.poissonArrivals(offered, SIMULATED_ARRIVALS, 13);
        double meanTokens = Arrays.stream(tokens).average().orElseThrow();
        double[] onAllCores = new double[arrivals.length];
        double[] onOneWorker = new double[arrivals.length];
        double[] ideal = new double[arrivals.length];
        for (int i = 0; i < arrivals.length; i++) {
            int length = tokens[i % tokens.length];
            onAllCores[i] = allCores.millis(length);
            onOneWorker[i] = perWorker.millis(length);
            // The whole machine on this one text at the lowest cost measured for its length: (c)'s full batches, a
            // pass on every core, or one worker's pass shared by all workers. No real pass has all of these at once.
            ideal[i] = Math.min(length / meanTokens / batchedRate * 1000,
                    Math.min(onAllCores[i], onOneWorker[i] / workers));
        }
        System.out.printf("%nMeasured pass time of one text alone (median of %d), ms by tokens: %s on %d intra-op thread(s);"
                + " %s on %d%n", ServiceCurve.SAMPLES, allCores, cores, perWorker, threads);
        System.out.printf("Simulated latency at %.1f conv/s (%d Poisson arrivals of the texts above, first come first served,"
                + " no window), with those pass times:%n", offered, SIMULATED_ARRIVALS);
        System.out.printf("| %-86s | %7s | %7s |%n", "scheduler", "p50 ms", "p99 ms");
        System.out.println("|" + "-".repeat(88) + "|" + "-".repeat(9) + "|" + "-".repeat(9) + "|");
        printPercentiles("one text per pass on all " + cores + " cores, as (a)",
                QueueSimulation.firstComeFirstServed(arrivals, onAllCores, 1));
        printPercentiles("one text per pass on each of " + workers + " worker(s) x " + threads + " thread(s), as (a) on "
                + workers + " worker(s)", QueueSimulation.firstComeFirstServed(arrivals, onOneWorker, workers));
        if (workers * threads == cores && workers > 1) {
            printPercentiles("the same, but a text that finds every core idle and no other text runs on all cores",
                    QueueSimulation.loneTextOnAllCores(arrivals, onOneWorker, onAllCores, workers));
        }
        double[] bound = QueueSimulation.firstComeFirstServed(arrivals, ideal, 1);
        printPercentiles("ideal: all cores on each text at the lowest cost per text measured ((c), passes above)", bound);
        double[] sorted = bound.clone();
        Arrays.sort(sorted);
        double meanPass = Arrays.stream(ideal).average().orElseThrow();
        double p99 = percentile(sorted, 0.99);
        // With the load a fixed share of capacity, response times scale with the pass time: p99 / mean pass stays put.
        System.out.printf("The ideal serves %.1f conv/s, so %.1f conv/s is %.0f%% of it, and its p99 is %.1f x its mean pass"
                + " of %.1f ms; at that share, p99 <= %.0f ms needs a mean pass <= %.1f ms, i.e. >= %.0f conv/s on these"
                + " texts.%n", 1000 / meanPass, offered, 100 * offered * meanPass / 1000, p99 / meanPass, meanPass,
                P99_TARGET_MS, meanPass * P99_TARGET_MS / p99, 1000 / meanPass * p99 / P99_TARGET_MS);
    }

    private static void printPercentiles(String scheduler, double[] responseMillis) {
        double[] sorted = responseMillis.clone();
        Arrays.sort(sorted);
        System.out.printf("| %-86s | %7.1f | %7.1f |%n", scheduler, percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    /** One text's pass time alone on an idle encoder, measured at a few token counts and interpolated between them. */
    private record ServiceCurve(int[] lengths, double[] millis) {

        static final int SAMPLES = 9;
        private static final int[] POINTS = {20, 40, 60, 80, 100, 128};

        static ServiceCurve measure(BatchingSentenceEncoder encoder, List<String> texts, int[] tokens) {
            int[] lengths = new int[POINTS.length];
            double[] millis = new double[POINTS.length];
            for (int p = 0; p < POINTS.length; p++) {
                int nearest = 0;
                for (int i = 1; i < tokens.length; i++) {
                    nearest = Math.abs(tokens[i] - POINTS[p]) < Math.abs(tokens[nearest] - POINTS[p]) ? i : nearest;
                }
                double[] samples = new double[SAMPLES];
                for (int s = 0; s < SAMPLES; s++) {
                    long start = System.nanoTime();
                    encoder.embed(texts.get(nearest));
                    samples[s] = (System.nanoTime() - start) / 1e6;
                }
                lengths[p] = tokens[nearest];
                millis[p] = median(samples);
            }
            return new ServiceCurve(lengths, millis);
        }

        double millis(int tokens) {
            if (tokens <= lengths[0]) {
                return millis[0] * tokens / lengths[0];
            }
            int p = 1;
            while (p < lengths.length - 1 && lengths[p] < tokens) {
                p++;
            }
            double share = (double) (tokens - lengths[p - 1]) / (lengths[p] - lengths[p - 1]);
            return millis[p - 1] + share * (millis[p] - millis[p - 1]);
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            for (int p = 0; p < lengths.length; p++) {
                text.append(p == 0 ? "" : ", ").append(lengths[p]).append(": ").append(String.format("%.1f", millis[p]));
            }
            return text.toString();
        }
    }

    /** CLIENTS callers each embed one conversation after another: the most the encoder can serve. */
    private static double closedLoop(BatchingSentenceEncoder encoder, Totals totals, List<String> texts, int seconds)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        long warmUpEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        long end = warmUpEnd + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch finished = new CountDownLatch(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (System.nanoTime() < end) {
                        int index = Math.floorMod(next.getAndIncrement(), texts.size());
                        encoder.embed(texts.get(index));
                        // Completions count, not starts: with many callers queued, a call outlasts the warm-up.
                        long now = System.nanoTime();
                        if (now >= warmUpEnd && now < end) {
                            done.incrementAndGet();
                        }
                    }
                } finally {
                    finished.countDown();
                }
            });
        }
        LockSupport.parkNanos(warmUpEnd - System.nanoTime());
        totals.counting = true;
        finished.await();
        totals.counting = false;
        return done.get() / (double) seconds;
    }

    /**
     * Poisson arrivals at the offered rate, each on its own virtual thread; latency counts from the planned arrival
     * time, so a late start is charged to the encoder (no coordinated omission).
     */
    private static int openLoop(BatchingSentenceEncoder encoder, List<String> texts, double rate, int seconds,
                                ConcurrentLinkedQueue<Double> millis, int round) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            encoder.embed(texts.get(i));
        }
        Random random = new Random(11 + round);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> requests = new ArrayList<>();
        long planned = start;
        for (int i = 0; planned < end; i++) {
            planned += (long) (-Math.log(1 - random.nextDouble()) / rate * 1e9);
            LockSupport.parkNanos(planned - System.nanoTime());
            String text = texts.get(i % texts.size());
            long arrival = planned;
            requests.add(Thread.startVirtualThread(() -> {
                encoder.embed(text);
                millis.add((System.nanoTime() - arrival) / 1e6);
            }));
        }
        int failed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Thread request : requests) {
            if (!request.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                failed++;
            }
        }
        return failed;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return percentile(sorted, 0.5);
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(double[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return String.join(" ", Arrays.copyOf(fields, 3));
        } catch (Exception e) {
            return "unknown";
        }
    }

    private record IntSummary(int min, int max, double mean) {
        IntSummary(int[] values) {
            this(Arrays.stream(values).min().orElse(0), Arrays.stream(values).max().orElse(0),
                    Arrays.stream(values).average().orElse(0));
        }
    }
}
