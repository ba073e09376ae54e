package dev.llmc.tools.bench;

import picocli.CommandLine;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code llmc-tools bench events}: the latency event logging adds to requests. Three gateways take turns under the same
 * paced load (pinned expert), each round in another order so that the drift of a shared machine's load hits all alike:
 * "on" logs events, "off" and "ctl" run with llmc.events.enabled=false. on − off is what logging adds; ctl − off, two
 * identical gateways, is what this machine's noise alone makes of the same comparison.
 */
final class EventsBenchmark {
    private static final List<String> GATEWAYS = List.of("on", "off", "ctl");
    private static final List<List<String>> ORDERS = List.of(List.of("on", "off", "ctl"), List.of("off", "ctl", "on"),
            List.of("ctl", "on", "off"), List.of("on", "ctl", "off"), List.of("off", "on", "ctl"), List.of("ctl", "off", "on"));

    private EventsBenchmark() {
    }

    @CommandLine.Command(name = "events", mixinStandardHelpOptions = true,
            description = "Latency event logging adds: gateways with logging on and off (and a second one off, for the "
                    + "noise) under the same paced load, taking turns; the request thread's own hand-off time and CPU per "
                    + "request. Needs wrk, hey and node.")
    static final class Command implements Callable<Integer> {
        private final PrintStream out;
        private final PrintStream err;

        @Parameters(index = "0", arity = "0..1", defaultValue = "10", paramLabel = "seconds", description = "per run (default ${DEFAULT-VALUE})")
        int seconds;
        @Parameters(index = "1", arity = "0..1", defaultValue = "1000", paramLabel = "rate", description = "offered requests/s (default ${DEFAULT-VALUE})")
        int rate;
        @Parameters(index = "2", arity = "0..1", defaultValue = "8", paramLabel = "rounds", description = "(default ${DEFAULT-VALUE})")
        int rounds;
        @CommandLine.Mixin
        RigOptions rigOptions;

        Command(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws Exception {
            Path dir = rigOptions.root.resolve("gateway/target/bench-events");
            try (BenchRig rig = new BenchRig(rigOptions.root, dir, err)) {
                rig.start();
                // Compiler threads that stay, so that the JIT's share can be taken out of the CPU figures.
                List<String> options = new ArrayList<>(List.of("-XX:-UseDynamicNumberOfCompilerThreads"));
                options.addAll(rigOptions.gatewayJavaOptions());
                Map<String, BenchRig.Gateway> gateways = new LinkedHashMap<>();
                for (String g : GATEWAYS) {
                    gateways.put(g, rig.gateway("events-" + g, g.equals("on") ? Map.of() : Map.of("LLMC_EVENTS_ENABLED", "false"), options));
                }
                run(rig, gateways, dir.resolve("runs"));
            }
            return 0;
        }

        private double[] stackCpu(BenchRig.Gateway gateway) {
            long pid = gateway.process().pid();
            double jvm = ProcCpu.treeMillis(List.of(pid), false) - ProcCpu.jitMillis(pid);
            double postgres = ProcCpu.treeMillis(ProcCpu.postmaster(gateway.dataDir().resolve("postgres")), true);
            double redis = ProcCpu.treeMillis(ProcCpu.children(pid), true);
            return new double[] {jvm, postgres, redis};
        }

        private void run(BenchRig rig, Map<String, BenchRig.Gateway> gateways, Path runs) throws Exception {
            String pinned = "{\"model\": \"bench\", " + BenchRig.QUESTION + "}";
            int workers = 10;
            int perWorker = rate / workers;
            String loadBefore = BenchRig.loadAverage();
            err.printf("warming up the three gateways for %d s each ...%n", seconds);
            for (BenchRig.Gateway g : gateways.values()) {
                rig.saturate(g.url() + BenchRig.CHAT, pinned, seconds, 32, g.key());
            }
            out.printf("Event logging cost: the same paced load (%d req/s for %d s, hey with %d workers, pinned expert,%n", rate, seconds, workers);
            out.println("instant fake node) against gateway 'on' (event log) and 'off' and 'ctl' (both llmc.events.enabled=false), in");
            out.println("rotating order. added = on - off; A/A = ctl - off (two identical gateways: the noise of the comparison).");
            out.println("| round | order       | on rps | on p50 | on p99 | off p50 | off p99 | ctl p50 | ctl p99 | added p50 | added p99 | A/A p50 | A/A p99 |");
            out.println("|-------|-------------|--------|--------|--------|---------|---------|---------|---------|-----------|-----------|---------|---------|");
            BenchRig.Gateway on = gateways.get("on");
            TreeMap<Double, Double> handoffBefore = rig.buckets(on.url(), "llmc_events_handoff_seconds");
            Map<String, double[]> cpu = new LinkedHashMap<>();
            Map<String, Long> requests = new LinkedHashMap<>();
            Map<String, List<Double>> pooled = new LinkedHashMap<>();
            for (String g : GATEWAYS) {
                cpu.put(g, new double[3]);
                requests.put(g, 0L);
                pooled.put(g, new ArrayList<>());
            }
            double[] added50 = new double[rounds];
            double[] added99 = new double[rounds];
            double[] aa50 = new double[rounds];
            double[] aa99 = new double[rounds];
            for (int round = 1; round <= rounds; round++) {
                List<String> order = ORDERS.get((round - 1) % ORDERS.size());
                Map<String, BenchStatistics.Paced> result = new LinkedHashMap<>();
                for (String g : order) {
                    BenchRig.Gateway gateway = gateways.get(g);
                    double[] before = stackCpu(gateway);
                    Path csv = runs.resolve(g).resolve(round + ".csv");
                    result.put(g, rig.paced(gateway.url() + BenchRig.CHAT, pinned, seconds, workers, perWorker, gateway.key(), csv));
                    // A batch gathering when the load stops is written within the flush interval: let it land in this run's CPU.
                    Thread.sleep(300);
                    double[] after = stackCpu(gateway);
                    for (int part = 0; part < 3; part++) {
                        cpu.get(g)[part] += after[part] - before[part];
                    }
                    for (BenchStatistics.HeyRow row : BenchStatistics.readHeyCsv(csv)) {
                        if (row.status() == 200) {
                            pooled.get(g).add(row.millis());
                        }
                    }
                    requests.put(g, (long) pooled.get(g).size());
                }
                var a = result.get("on");
                var b = result.get("off");
                var c = result.get("ctl");
                int i = round - 1;
                added50[i] = a.p50() - b.p50();
                added99[i] = a.p99() - b.p99();
                aa50[i] = c.p50() - b.p50();
                aa99[i] = c.p99() - b.p99();
                out.printf(Locale.ROOT, "| %5d | %-11s | %6.0f | %6.2f | %6.2f | %7.2f | %7.2f | %7.2f | %7.2f | %9.2f | %9.2f | %7.2f | %7.2f |%n",
                        round, String.join(" ", order), a.rps(), a.p50(), a.p99(), b.p50(), b.p99(), c.p50(), c.p99(),
                        added50[i], added99[i], aa50[i], aa99[i]);
            }
            double[] handoff = BenchStatistics.bucketQuantiles(handoffBefore, rig.buckets(on.url(), "llmc_events_handoff_seconds"),
                    1_000_000, 0.50, 0.99, 0.999);
            out.printf("over %d rounds, ms: median (min .. max) [confidence interval of the median, coverage %s],%n",
                    rounds, BenchStatistics.coverageText(rounds));
            out.println("rounds with a positive difference, sign test p-value:");
            out.println("  added by logging (on - off), p50: " + BenchStatistics.spread(added50));
            out.println("  added by logging (on - off), p99: " + BenchStatistics.spread(added99) + "   (target: p99 < 0.5 ms)");
            out.println("  A/A noise        (ctl - off), p50: " + BenchStatistics.spread(aa50));
            out.println("  A/A noise        (ctl - off), p99: " + BenchStatistics.spread(aa99));
            StringBuilder pooledLine = new StringBuilder("all rounds' requests pooled, p50 / p99 ms:");
            for (String g : GATEWAYS) {
                double[] sorted = pooled.get(g).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                pooledLine.append(String.format(Locale.ROOT, "%s %s %.2f / %.2f", g.equals("on") ? " " : ", ", g,
                        BenchStatistics.nearestRank(sorted, 0.50), BenchStatistics.nearestRank(sorted, 0.99)));
            }
            out.println(pooledLine);
            out.printf(Locale.ROOT, "request thread's hand-off to the event log (llmc.events.handoff histogram, bucket upper bounds, all 'on' runs): "
                    + "p50 %.2f us, p99 %.2f us, p99.9 %.2f us%n", handoff[0], handoff[1], handoff[2]);
            out.println("CPU per request (ms; /proc, all paced runs): gateway JVM (without JIT compiler threads) + its PostgreSQL + its Redis = total");
            for (String g : GATEWAYS) {
                double[] c = cpu.get(g);
                double n = requests.get(g);
                out.printf(Locale.ROOT, "  %-3s %.3f + %.3f + %.3f = %.3f%n", g, c[0] / n, c[1] / n, c[2] / n, (c[0] + c[1] + c[2]) / n);
            }
            out.printf("load average before: %s; after: %s%n", loadBefore, BenchRig.loadAverage());
            Files.createDirectories(runs);
        }
    }
}
