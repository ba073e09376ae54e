package dev.llmc.tools.bench;

import dev.llmc.model.encoder.EncoderModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/** {@code llmc-tools bench}: the benchmarks, one subcommand each. Results go to stdout, progress to stderr. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks; see each one's --help.")
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The bench command with its subcommands writing to out and err. */
    public static CommandLine commandLine(PrintStream out, PrintStream err) {
        return new CommandLine(new BenchCommand())
                .addSubcommand("encoder", new Encoder(out))
                .addSubcommand("batching", new Batching())
                .addSubcommand("train", new Train())
                .addSubcommand("scoring", new Scoring())
                .addSubcommand("gateway", new GatewayBenchmark.Command(out, err))
                .addSubcommand("routing", new RoutingBenchmark.Command(out, err))
                .addSubcommand("events", new EventsBenchmark.Command(out, err))
                .addSubcommand("slow-readers", new SlowReadersBenchmark.Command(out, err))
                .addSubcommand("exploration", new Exploration())
                .addSubcommand("plot", new Plot(out));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "which benchmark? encoder, batching, train, scoring, gateway, routing, events, slow-readers or exploration (or plot)");
    }

    @Command(name = "plot", mixinStandardHelpOptions = true,
            description = "Draws the latency distributions of a finished bench gateway run from its hey CSVs (SVG).")
    static final class Plot implements Callable<Integer> {
        private final PrintStream out;
        @Option(names = "--runs", defaultValue = "gateway/target/bench-gateway/runs", paramLabel = "DIR",
                description = "the run's CSVs (default ${DEFAULT-VALUE})")
        Path runs;
        @Option(names = "--out", defaultValue = "gateway/target/bench-gateway/plots", paramLabel = "DIR",
                description = "where to write the SVGs (default ${DEFAULT-VALUE})")
        Path target;

        Plot(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            for (Path plot : LatencyPlots.write(runs, target)) {
                out.println(plot);
            }
            return 0;
        }
    }

    @Command(name = "encoder", mixinStandardHelpOptions = true,
            description = "Encode latency (p50/p99/mean on one thread) and conversations/s on every core, 5-turn"
                    + " conversations, each encoder in turn.")
    static final class Encoder implements Callable<Integer> {
        private final PrintStream out;
        @Option(names = "--encoder", split = ",", defaultValue = "static,minilm", paramLabel = "MODEL",
                description = "encoders to measure (default ${DEFAULT-VALUE})")
        List<String> encoders;
        @Option(names = "--max-tokens", defaultValue = "128", description = "token limit (default ${DEFAULT-VALUE})")
        int maxTokens;
        @Option(names = "--iterations", defaultValue = "500", description = "timed encodes on one thread (default ${DEFAULT-VALUE})")
        int iterations;
        @Option(names = "--seconds", defaultValue = "5", description = "throughput phase (default ${DEFAULT-VALUE})")
        double seconds;
        @Option(names = "--threads", defaultValue = "1",
                description = "MiniLM intra-op threads, as llmc.encoder.threads (default ${DEFAULT-VALUE})")
        int threads;

        Encoder(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            EncoderBenchmark.run(encoders.stream().map(EncoderModel::named).toList(), maxTokens, iterations,
                    threads, seconds, out);
            return 0;
        }
    }

    @Command(name = "batching", mixinStandardHelpOptions = true,
            description = "One-at-a-time encoding, dynamic batching and length buckets: throughput, p50/p99, padding.")
    static final class Batching implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", defaultValue = "4", paramLabel = "seconds", description = "per phase (default ${DEFAULT-VALUE})")
        int seconds;
        @Parameters(index = "1", arity = "0..1", defaultValue = "1", paramLabel = "threads", description = "intra-op threads per worker (default ${DEFAULT-VALUE})")
        int threads;
        @Parameters(index = "2", arity = "0..1", paramLabel = "workers", description = "batch workers (default: cores)")
        Integer workers;
        @Parameters(index = "3", arity = "0..1", defaultValue = "2", paramLabel = "window-ms", description = "batching window (default ${DEFAULT-VALUE})")
        double windowMillis;
        @Parameters(index = "4", arity = "0..1", defaultValue = "16", paramLabel = "max-batch", description = "(default ${DEFAULT-VALUE})")
        int maxBatch;
        @Parameters(index = "5", arity = "0..1", defaultValue = "16", paramLabel = "bucket-width", description = "tokens (default ${DEFAULT-VALUE})")
        int bucketWidth;

        @Override
        public Integer call() throws Exception {
            BatchingBenchmark.run(seconds, threads, workers == null ? Runtime.getRuntime().availableProcessors() : workers,
                    windowMillis, maxBatch, bucketWidth);
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train on synthetic logged examples (DJL PyTorch engine) and print examples/s.")
    static final class Train implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", defaultValue = "1000000", paramLabel = "examples", description = "(default ${DEFAULT-VALUE})")
        int examples;
        @Parameters(index = "1", arity = "0..1", paramLabel = "epochs", description = "(default: the training default)")
        Integer epochs;

        @Override
        public Integer call() {
            TrainingBenchmark.run(examples, epochs);
            return 0;
        }
    }

    @Command(name = "exploration", mixinStandardHelpOptions = true,
            description = "Linear Thompson sampling's routing cost per turn (predictions, Monte Carlo propensities) and update cost.")
    static final class Exploration implements Callable<Integer> {
        @Option(names = "--experts", defaultValue = "50", description = "experts sampled per turn (default ${DEFAULT-VALUE})")
        int experts;
        @Option(names = "--samples", defaultValue = "1000", description = "Monte Carlo draws K (default ${DEFAULT-VALUE})")
        int samples;
        @Option(names = "--observations", defaultValue = "200", description = "observations folded into each posterior first (default ${DEFAULT-VALUE})")
        int observations;
        @Option(names = "--iterations", defaultValue = "2000", description = "measured turns (default ${DEFAULT-VALUE})")
        int iterations;

        @Override
        public Integer call() {
            ExplorationBenchmark.run(experts, samples, observations, iterations);
            return 0;
        }
    }

    @Command(name = "scoring", mixinStandardHelpOptions = true,
            description = "JMH: top-10 scoring of 1,000 to 1,000,000 experts, exact and indexed, with the index's recall@10 "
                    + "and build/update times. Arguments go to JMH, e.g. -p experts=10000 -p scan=exact -rf json.")
    static final class Scoring implements Callable<Integer> {
        @CommandLine.Unmatched
        List<String> jmhOptions = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            List<String> arguments = new ArrayList<>(jmhOptions);
            arguments.add(ScoringBenchmark.class.getName());
            new Runner(new CommandLineOptions(arguments.toArray(String[]::new))).run();
            return 0;
        }
    }
}
