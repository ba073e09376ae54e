package dev.llmc.tools.bench;

import picocli.CommandLine;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code llmc-tools bench gateway}: the gateway's own overhead against an instantly answering fake expert node: max
 * requests/s (wrk, closed loop) and p50/p99 at a fixed offered rate (hey), pinned expert and in-process encoder, beside
 * the same load sent straight to the fake node.
 */
final class GatewayBenchmark {
    private GatewayBenchmark() {
    }

    @CommandLine.Command(name = "gateway", mixinStandardHelpOptions = true,
            description = "The gateway's own overhead against an instant fake expert node: max requests/s (wrk) and "
                    + "p50/p99 at a fixed offered rate (hey), pinned expert and in-process encoder. Needs wrk, hey and node.")
    static final class Command implements Callable<Integer> {
        private final PrintStream out;
        private final PrintStream err;

        @Parameters(index = "0", arity = "0..1", defaultValue = "15", paramLabel = "seconds", description = "per run (default ${DEFAULT-VALUE})")
        int seconds;
        @Parameters(index = "1", arity = "0..1", defaultValue = "32", paramLabel = "connections", description = "wrk connections (default ${DEFAULT-VALUE})")
        int connections;
        @Parameters(index = "2", arity = "0..1", defaultValue = "1000", paramLabel = "rate", description = "offered requests/s, pinned (default ${DEFAULT-VALUE})")
        int rate;
        @Parameters(index = "3", arity = "0..1", defaultValue = "20", paramLabel = "encoder-rate", description = "offered requests/s with the encoder (default ${DEFAULT-VALUE})")
        int encoderRate;
        @CommandLine.Mixin
        RigOptions rigOptions;
        @CommandLine.Option(names = "--plot", paramLabel = "DIR", description = "where to draw the latency distributions "
                + "(SVG; default <root>/gateway/target/bench-gateway/plots)")
        Path plots;

        Command(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws Exception {
            try (BenchRig rig = new BenchRig(rigOptions.root, rigOptions.root.resolve("gateway/target/bench-gateway"), err)) {
                rig.start();
                BenchRig.Gateway gateway = rig.gateway("gateway", Map.of(), rigOptions.gatewayJavaOptions());
                run(rig, gateway);
            }
            return 0;
        }

        private void run(BenchRig rig, BenchRig.Gateway gateway) throws Exception {
            String gw = gateway.url();
            String key = gateway.key();
            String pinned = "{\"model\": \"bench\", " + BenchRig.QUESTION + "}";
            String auto = "{\"model\": \"auto\", " + BenchRig.QUESTION + "}";
            String chat = BenchRig.CHAT;
            // hey paces each worker; 10 workers at rate/10 each offer the total rate.
            int workers = 10;
            int encoderWorkers = 2;
            int perWorker = rate / workers;
            int encoderPerWorker = encoderRate / encoderWorkers;
            String loadBefore = BenchRig.loadAverage();
            Path runs = rigOptions.root.resolve("gateway/target/bench-gateway/runs");

            err.printf("warming up (JIT, connection pools, encoder) for %d s ...%n", seconds);
            rig.saturate(gw + chat, pinned, seconds, connections, key);
            rig.saturate(gw + chat, auto, 5, 4, key);

            err.printf("measuring: direct to the fake node, then the gateway pinned and with the encoder (%d s each) ...%n", seconds);
            var dMax = rig.saturate(rig.nodeUrl + chat, pinned, seconds, connections, null);
            var dRate = rig.paced(rig.nodeUrl + chat, pinned, seconds, workers, perWorker, null, runs.resolve("direct.csv"));
            var pMax = rig.saturate(gw + chat, pinned, seconds, connections, key);
            TreeMap<Double, Double> before = rig.buckets(gw, "llmc_gateway_overhead_seconds");
            var pRate = rig.paced(gw + chat, pinned, seconds, workers, perWorker, key, runs.resolve("pinned.csv"));
            double[] pHist = BenchStatistics.bucketQuantiles(before, rig.buckets(gw, "llmc_gateway_overhead_seconds"), 1000, 0.50, 0.99);
            var dEnc = rig.paced(rig.nodeUrl + chat, auto, seconds, encoderWorkers, encoderPerWorker, null, runs.resolve("direct-auto.csv"));
            var aMax = rig.saturate(gw + chat, auto, seconds, connections, key);
            var aRate = rig.paced(gw + chat, auto, seconds, encoderWorkers, encoderPerWorker, key, runs.resolve("auto.csv"));

            out.println("Gateway overhead benchmark: fake OpenAI node answering instantly (Node.js), gateway with embedded PostgreSQL and Redis,");
            out.printf("event log on; %d cores shared by gateway, fake node and load generators.%n", Runtime.getRuntime().availableProcessors());
            out.printf("max: wrk -t1 -c %d for %d s (closed loop). paced: hey for %d s at the offered rate (%d workers, or %d with the encoder).%n",
                    connections, seconds, seconds, workers, encoderWorkers);
            out.println("overhead = paced client latency through the gateway minus direct to the fake node at the same rate (ms).");
            out.println("| scenario                     | max rps  | max p50 | max p99 | offered | achieved | p50 ms  | p99 ms  | ovh p50 | ovh p99 | errors |");
            out.println("|------------------------------|----------|---------|---------|---------|----------|---------|---------|---------|---------|--------|");
            out.println(row("direct to fake node", dMax, dRate, dRate, rate));
            out.println(row("gateway, pinned expert", pMax, pRate, dRate, rate));
            out.println(row("gateway, in-process encoder", aMax, aRate, dEnc, encoderRate));
            out.printf(Locale.ROOT, "pinned, paced: the gateway's own llmc.gateway.overhead histogram (/prometheus, bucket upper bounds): p50 %.2f ms, p99 %.2f ms%n",
                    pHist[0], pHist[1]);
            out.printf("load average before: %s; after: %s%n", loadBefore, BenchRig.loadAverage());
            for (Path plot : LatencyPlots.write(runs, plots != null ? plots : runs.resolveSibling("plots"))) {
                out.println("latency distribution: " + plot);
            }
        }

        static String row(String name, BenchStatistics.Saturated max, BenchStatistics.Paced paced, BenchStatistics.Paced direct,
                int offered) {
            return String.format(Locale.ROOT, "| %-28s | %8.0f | %7.2f | %7.2f | %7d | %8.0f | %7.2f | %7.2f | %7.2f | %7.2f | %6d |",
                    name, max.rps(), max.p50(), max.p99(), offered, paced.rps(), paced.p50(), paced.p99(),
                    paced.p50() - direct.p50(), paced.p99() - direct.p99(), max.errors() + paced.errors());
        }
    }
}
