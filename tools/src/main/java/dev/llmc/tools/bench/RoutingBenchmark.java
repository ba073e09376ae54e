package dev.llmc.tools.bench;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code llmc-tools bench routing}: what choosing the expert costs. The same closed-loop load through one gateway with
 * the expert pinned ({@code "model": "bench"}) and chosen by the controller ({@code "model": "auto"}: encode, score,
 * policy), every request a prompt of its own, at each number of connections; then how fast the event log stored the
 * exposures those requests produced. With {@code --experts N} the gateway first holds N more experts (bulk
 * registration, distinct descriptions, all on the fake node so health probes stay one per interval), and after the
 * load one registration, description change and retirement are timed with that many registered.
 */
final class RoutingBenchmark {
    private static final int BULK = 1000;
    private static final String SNAPSHOT_RELOADS = "llmc_registry_snapshot_reloads_total";
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]*)\"");
    private static final String[] TOPICS = {"tax law", "python debugging", "kubernetes", "marine biology", "astronomy",
            "chess openings", "car repair", "rose gardening", "dog training", "stock investing", "medieval history",
            "jazz piano", "photography", "knitting", "sailing", "linear algebra", "organic chemistry", "volcanoes",
            "real estate", "travel in japan", "french grammar", "poetry writing", "plumbing", "beekeeping", "tennis"};
    private static final String[] AUDIENCES = {"beginners", "professionals", "students", "families", "retirees",
            "small businesses", "teachers", "teenagers", "researchers", "hobbyists"};
    private static final String[] STYLES = {"step by step answers", "short practical tips", "in-depth explanations",
            "worked examples", "common mistakes", "checklists", "history and background", "troubleshooting"};

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
        @Option(names = "--experts", defaultValue = "0", description = "more experts to register before the runs (default ${DEFAULT-VALUE})")
        int experts;
        @Option(names = "--changes", defaultValue = "3", description = "with --experts: times each single change is timed (default ${DEFAULT-VALUE})")
        int changes;
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
            if (experts > 0) {
                registerExperts(rig, gateway);
            }
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
            if (experts > 0) {
                timeSingleChanges(rig, gateway);
            }
        }

        /** Registers {@link #experts} more experts in bulk requests of the API's maximum, each described differently. */
        private void registerExperts(BenchRig rig, BenchRig.Gateway gateway) throws Exception {
            err.printf("registering %,d experts in bulk ...%n", experts);
            double reloadsBefore = rig.metric(gateway.url(), SNAPSHOT_RELOADS);
            long start = System.nanoTime();
            for (int from = 0; from < experts; from += BULK) {
                StringBuilder body = new StringBuilder("{\"experts\": [");
                for (int i = from; i < Math.min(experts, from + BULK); i++) {
                    body.append(i == from ? "" : ", ").append(expert("expert-" + i, description(i), rig.nodeUrl));
                }
                rig.send("POST", gateway.url() + "/experts/bulk", gateway.adminKey(), body.append("]}").toString(), 201);
            }
            out.printf(Locale.ROOT, "registered %,d experts in %d bulk requests in %.1f s (%.0f full snapshot reloads); load average %s%n",
                    experts, (experts + BULK - 1) / BULK, (System.nanoTime() - start) / 1e9,
                    rig.metric(gateway.url(), SNAPSHOT_RELOADS) - reloadsBefore, BenchRig.loadAverage());
        }

        /**
         * Times, {@link #changes} times each, with {@link #experts} + 1 experts registered: one {@code POST /experts}
         * (embedding, write, snapshot update, first health probe), the first auto-routed turn after it (which lays the
         * changed set out for scoring), a description change ({@code PATCH}) and a retirement ({@code DELETE}).
         */
        private void timeSingleChanges(BenchRig rig, BenchRig.Gateway gateway) throws Exception {
            String expertsUrl = gateway.url() + "/experts";
            String admin = gateway.adminKey();
            List<List<Double>> millis = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            double reloadsBefore = rig.metric(gateway.url(), SNAPSHOT_RELOADS);
            for (int i = 0; i < changes; i++) {
                String name = "late-joiner-" + i;
                long start = System.nanoTime();
                String created = rig.send("POST", expertsUrl, admin, expert(name, "Late joiner " + i + ": sourdough starters,"
                        + " proofing and crumb for home bakers.", rig.nodeUrl), 201);
                millis.get(0).add((System.nanoTime() - start) / 1e6);
                Matcher id = ID.matcher(created);
                if (!id.find()) {
                    throw new IllegalStateException("no id in " + created);
                }
                start = System.nanoTime();
                rig.send("POST", gateway.url() + BenchRig.CHAT, gateway.key(), "{\"model\": \"auto\", \"messages\": [{\"role\":"
                        + " \"user\", \"content\": \"Turn " + i + " after a registration: why is my sourdough dense?\"}]}", 200);
                millis.get(1).add((System.nanoTime() - start) / 1e6);
                start = System.nanoTime();
                rig.send("PATCH", expertsUrl + "/" + id.group(1), admin,
                        "{\"description\": \"Late joiner " + i + ", renamed: rye bread and baguettes.\"}", 200);
                millis.get(2).add((System.nanoTime() - start) / 1e6);
                start = System.nanoTime();
                rig.send("DELETE", expertsUrl + "/" + id.group(1), admin, null, 204);
                millis.get(3).add((System.nanoTime() - start) / 1e6);
            }
            double reloads = rig.metric(gateway.url(), SNAPSHOT_RELOADS) - reloadsBefore;
            out.printf(Locale.ROOT, "single changes with %,d experts registered (%d each; ms, median [min .. max]; %.0f full"
                    + " snapshot reloads in all; load average %s):%n", experts + 1, changes, reloads, BenchRig.loadAverage());
            String[] names = {"POST /experts (register one)", "first auto turn after it", "PATCH /experts/{id} (description)",
                    "DELETE /experts/{id} (retire)"};
            for (int i = 0; i < names.length; i++) {
                List<Double> sorted = millis.get(i).stream().sorted().toList();
                out.printf(Locale.ROOT, "  %-36s %8.1f [%.1f .. %.1f]%n", names[i], sorted.get(sorted.size() / 2),
                        sorted.getFirst(), sorted.getLast());
            }
        }

        private static String expert(String name, String description, String nodeUrl) {
            return "{\"name\": \"" + name + "\", \"description\": \"" + description + "\", \"nodes\": [{\"base_url\": \""
                    + nodeUrl + "/v1\"}]}";
        }

        /** Distinct for every i (its number, a topic, an audience and a style), so every expert has a θ of its own. */
        private static String description(int i) {
            return "Expert " + i + " on " + TOPICS[i % TOPICS.length] + " for " + AUDIENCES[i / TOPICS.length % AUDIENCES.length]
                    + ": " + STYLES[i / (TOPICS.length * AUDIENCES.length) % STYLES.length] + ".";
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
