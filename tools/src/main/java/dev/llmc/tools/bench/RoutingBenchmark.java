package dev.llmc.tools.bench;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code llmc-tools bench routing}: what choosing the expert costs. The same closed-loop load through one gateway with
 * the expert pinned ({@code "model": "bench"}) and chosen by the controller ({@code "model": "auto"}: encode, score,
 * policy), every request a prompt of its own, at each number of connections; then how fast the event log stored the
 * exposures those requests produced.
 */
final class RoutingBenchmark {
    private RoutingBenchmark() {
    }

    @CommandLine.Command(name = "routing", mixinStandardHelpOptions = true,
            description = "Auto-routed vs pinned requests through the gateway (distinct prompts, wrk closed loop) at each"
                    + " number of connections, with the chosen encoder; exposures stored per second. Needs wrk, hey and node.")
    static final class Command implements Callable<Integer> {
        private final PrintStream out;
        private final PrintStream err;

        @Option(names = "--seconds", defaultValue = "10", description = "per run (default ${DEFAULT-VALUE})")
        int seconds;
        @Option(names = "--connections", split = ",", defaultValue = "1,32", description = "wrk connections (default ${DEFAULT-VALUE})")
        List<Integer> connections;
        @Option(names = "--encoder", defaultValue = "static", description = "the gateway's llmc.encoder.model (default ${DEFAULT-VALUE})")
        String encoder;
        @CommandLine.Mixin
        RigOptions rigOptions;

        Command(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws Exception {
            try (BenchRig rig = new BenchRig(rigOptions.root, rigOptions.root.resolve("gateway/target/bench-routing"), err)) {
                rig.start();
                BenchRig.Gateway gateway = rig.gateway("gateway", Map.of("LLMC_ENCODER_MODEL", encoder),
                        rigOptions.gatewayJavaOptions());
                run(rig, gateway);
            }
            return 0;
        }

        private void run(BenchRig rig, BenchRig.Gateway gateway) throws Exception {
            String url = gateway.url() + BenchRig.CHAT;
            String key = gateway.key();
            String loadBefore = BenchRig.loadAverage();
            err.printf("warming up (JIT, pools, encoder) for %d s ...%n", seconds);
            rig.saturateDistinct(url, "bench", seconds, 32, key);
            rig.saturateDistinct(url, "auto", seconds, 32, key);

            awaitEmptyEventQueue(rig, gateway);
            List<String> rows = new ArrayList<>();
            long requests = 0;
            double storedBefore = rig.metric(gateway.url(), "llmc_events_stored");
            long start = System.nanoTime();
            for (int c : connections) {
                err.printf("measuring %d connection(s): pinned, then auto (%d s each) ...%n", c, seconds);
                BenchStatistics.Saturated pinned = rig.saturateDistinct(url, "bench", seconds, c, key);
                BenchStatistics.Saturated auto = rig.saturateDistinct(url, "auto", seconds, c, key);
                requests += Math.round((pinned.rps() + auto.rps()) * seconds);
                rows.add(row("pinned", c, pinned, pinned));
                rows.add(row("auto (" + encoder + ")", c, auto, pinned));
            }
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            // The event log writes behind the requests: wait until its queue is empty, then count what was stored.
            double drainSeconds = awaitEmptyEventQueue(rig, gateway);
            double stored = rig.metric(gateway.url(), "llmc_events_stored") - storedBefore;

            out.printf("Routing benchmark: gateway (llmc.encoder.model=%s, event log on, embedded PostgreSQL and Redis) in front of"
                    + " an instant fake node (Node.js); wrk -t1 closed loop (bench/chat.lua), %d s per run, every request a distinct prompt;%n", encoder, seconds);
            out.printf("%d cores shared by gateway, fake node and load generator. auto/pinned = auto's requests/s over pinned's"
                    + " at the same connections.%n", Runtime.getRuntime().availableProcessors());
            out.println("| scenario            | conns | req/s    | p50 ms  | p99 ms  | errors | auto/pinned |");
            out.println("|---------------------|-------|----------|---------|---------|--------|-------------|");
            rows.forEach(out::println);
            out.printf(Locale.ROOT, "event log: %.0f events stored for %d requests answered during %.1f s of load (%.0f/s),"
                            + " queue empty %.1f s after the load ended%n",
                    stored, requests, loadSeconds, stored / loadSeconds, drainSeconds);
            out.printf("load average before: %s; after: %s%n", loadBefore, BenchRig.loadAverage());
        }

        /** Waits (at most a minute) until the gateway's event queue is empty; returns the seconds it took. */
        private static double awaitEmptyEventQueue(BenchRig rig, BenchRig.Gateway gateway) throws Exception {
            long start = System.nanoTime();
            while (rig.metric(gateway.url(), "llmc_events_queued") > 0 && System.nanoTime() - start < 60e9) {
                Thread.sleep(100);
            }
            return (System.nanoTime() - start) / 1e9;
        }

        private static String row(String name, int connections, BenchStatistics.Saturated run, BenchStatistics.Saturated pinned) {
            return String.format(Locale.ROOT, "| %-19s | %5d | %8.0f | %7.2f | %7.2f | %6d | %10.0f%% |", name, connections,
                    run.rps(), run.p50(), run.p99(), run.errors(), 100 * run.rps() / pinned.rps());
        }
    }
}
