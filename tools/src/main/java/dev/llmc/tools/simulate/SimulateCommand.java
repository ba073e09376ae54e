package dev.llmc.tools.simulate;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.zaxxer.hikari.HikariDataSource;
import dev.llmc.model.matrix.ExpertNames;
import dev.llmc.model.matrix.RoutingMatrix;
import dev.llmc.model.matrix.RoutingMatrixLoader;
import dev.llmc.model.scoring.ContentBasedController;
import dev.llmc.tools.eval.Baselines;
import dev.llmc.tools.eval.PromptEmbeddings;
import dev.llmc.tools.eval.Split;
import dev.llmc.tools.rig.LocalSystem;
import dev.llmc.tools.train.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code llmc-tools simulate} ({@code ./llmc simulate}): the learning loop run end to end on the real system. It starts
 * a gateway (embedded PostgreSQL and Redis) and a gpu-node replaying a routing matrix's models, registers them, and
 * for each round: simulated users chat and react → {@code train} → an A/B experiment active vs candidate with fresh
 * users → the candidate is promoted only if it wins; both versions are scored greedily on held-out evaluation prompts.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the learning loop (traffic → train → A/B → promote) on the real system with replayed "
                + "experts and simulated users; prints a table per round, writes a learning-curve SVG and, with --json, "
                + "one JSON object as the last line of stdout. Docs: docs/learning-loop.md"})
public final class SimulateCommand implements Callable<Integer> {
    private static final Pattern STORED = Pattern.compile("stored controller version (\\S+)");

    /** What to run between rounds. */
    enum Mode {
        /** Greedy routing (the gateway's default policy) and retraining every round. */
        batch,
        /** Linear Thompson sampling outside experiments, no retraining. */
        online,
        /** Linear Thompson sampling and retraining. */
        both
    }

    private final PrintStream out;
    private final PrintStream err;
    private final Path cacheRoot;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:LLMC_ROOT:-.}/../shared/data/alpaca_eval",
            description = "routing-matrix directory (default: ../shared/data/alpaca_eval beside the repository)")
    Path data;
    @Option(names = "--experts", paramLabel = "A,B,…", split = ",",
            description = "models of the data to register (default: every model with a label for every prompt)")
    List<String> experts;
    @Option(names = "--descriptions", paramLabel = "FILE",
            description = "JSON object model → description (default: the model's name only, a names-only cold start)")
    Path descriptions;
    @Option(names = "--label", paramLabel = "NAME", description = "label field (default win_vs_ref if present, else score)")
    String label;
    @Option(names = "--eval-fraction", paramLabel = "F", defaultValue = "0.3",
            description = "share of prompts held out for evaluation, never sent as traffic (default ${DEFAULT-VALUE})")
    double evalFraction;
    @Option(names = "--rounds", paramLabel = "N", defaultValue = "4", description = "rounds (default ${DEFAULT-VALUE})")
    int rounds;
    @Option(names = "--turns-per-round", paramLabel = "N", defaultValue = "2500",
            description = "replies served to traffic per round, regenerates included (default ${DEFAULT-VALUE})")
    int turnsPerRound;
    @Option(names = "--ab-turns", paramLabel = "N", defaultValue = "1500",
            description = "replies served in each round's A/B experiment (default ${DEFAULT-VALUE})")
    int abTurns;
    @Option(names = "--users", paramLabel = "N", defaultValue = "200",
            description = "simulated users per round, and fresh ones per A/B experiment (default ${DEFAULT-VALUE})")
    int users;
    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "batch",
            description = "batch (retrain, default policy), online (linear Thompson, no retraining) or both (default ${DEFAULT-VALUE})")
    Mode mode;
    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.05",
            description = "one-sided significance level of the promotion test on mean rating per user (default ${DEFAULT-VALUE})")
    double alpha;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "fixes the split and the users (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4", description = "users chatting at once (default ${DEFAULT-VALUE})")
    int concurrency;
    @Option(names = "--epochs", paramLabel = "N", description = "training epochs per round (default: train's)")
    Integer epochs;
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${env:LLMC_STATE_DIR:-.llmc}/simulate",
            description = "fresh state directory (emptied first; default ${DEFAULT-VALUE})")
    Path dir;
    @Option(names = "--plot", paramLabel = "FILE", description = "learning-curve SVG (default: DIR/learning-curve.svg)")
    Path plot;
    @Option(names = "--json", description = "print one JSON object with every figure as the last line of stdout")
    boolean json;
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "${env:LLMC_ROOT:-.}", description = "repository with the built jars")
    Path root;
    @Option(names = "--rating-noise", paramLabel = "S", description = "reaction model: σ of the rating noise (default 0.8)")
    Double ratingNoise;
    @Option(names = "--retry", paramLabel = "BASE,SLOPE", split = ",", description = "reaction model: P(retry) = BASE + SLOPE·(1 − label) (default 0.05,0.4)")
    double[] retry;
    @Option(names = "--continue", paramLabel = "BASE,SLOPE", split = ",", description = "reaction model: P(another turn) = BASE + SLOPE·label (default 0.1,0.5)")
    double[] continuation;
    @Option(names = "--max-turns", paramLabel = "N", description = "reaction model: most questions per conversation (default 4)")
    Integer maxTurns;

    public SimulateCommand(PrintStream out, PrintStream err, Path cacheRoot) {
        this.out = out;
        this.err = err;
        this.cacheRoot = cacheRoot;
    }

    @Override
    public Integer call() throws Exception {
        ReactionModel reactions = reactionModel();
        if (rounds < 1 || turnsPerRound < 1 || abTurns < 2 || users < 1 || concurrency < 1 || (epochs != null && epochs < 1)) {
            throw bad("--rounds, --turns-per-round, --users, --concurrency and --epochs must be positive, --ab-turns at least 2");
        }
        if (!(evalFraction > 0 && evalFraction < 1) || !(alpha > 0 && alpha < 1)) {
            throw bad("--eval-fraction and --alpha must be in (0, 1)");
        }
        RoutingMatrix matrix;
        Map<String, String> names;
        Map<String, String> descriptionByModel;
        try {
            matrix = RoutingMatrixLoader.load(data, label, experts == null ? fullyLabelledModels() : experts);
            names = ExpertNames.map(matrix.experts());
            descriptionByModel = descriptions();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw bad(e.getMessage());
        }
        if (matrix.promptCount() < 4 || matrix.expertCount() < 2) {
            throw bad(data + " gives " + matrix.promptCount() + " prompts labelled for all of " + matrix.expertCount()
                    + " experts; the simulation needs at least 4 prompts and 2 experts");
        }
        Split split = Split.random(matrix.promptCount(), 1 - evalFraction, seed);
        return run(matrix, names, descriptionByModel, split, reactions);
    }

    private int run(RoutingMatrix matrix, Map<String, String> names, Map<String, String> descriptionByModel, Split split,
            ReactionModel reactions) throws IOException, InterruptedException {
        long started = System.nanoTime();
        SimulationReport report = new SimulationReport(mode.name(), seed, matrix, split, names);
        err.printf(Locale.ROOT, "simulate: %d experts, %d training and %d evaluation prompts of %s (label %s), mode %s, seed %d%n",
                matrix.expertCount(), split.train().length, split.test().length, data, matrix.labelName(), mode, seed);
        err.print(ExpertNames.table(names));
        List<float[]> evalEmbeddings = PromptEmbeddings.embed(
                Arrays.stream(split.test()).mapToObj(p -> matrix.prompts().get(p)).toList(), cacheRoot, err);
        LocalSystem.deleteRecursively(dir);
        Files.createDirectories(dir);
        err.println("simulate: fresh state in " + dir.toAbsolutePath());
        Map<String, Integer> columns = new HashMap<>();
        for (int e = 0; e < matrix.expertCount(); e++) {
            columns.put(names.get(matrix.experts().get(e)), e);
        }
        try (LocalSystem system = new LocalSystem(root, err)) {
            LocalSystem.Node node = system.gpuNode(dir.resolve("gpu-node.log"),
                    Map.of("LLMC_REPLAY_DATA_DIR", data.toAbsolutePath().toString()), List.of());
            Map<String, String> gatewayEnv = new LinkedHashMap<>();
            if (mode != Mode.batch) {
                gatewayEnv.put("LLMC_ROUTING_EXPLORATION_POLICY", "linear-thompson");
            }
            LocalSystem.Gateway gw = system.gateway("simulate", dir.resolve("gateway"), gatewayEnv, List.of());
            GatewayClient gateway = new GatewayClient(gw.url());
            for (String model : matrix.experts()) {
                gateway.registerExpert(gw.adminKey(), names.get(model), descriptionByModel.getOrDefault(model, model), node.url() + "/v1");
            }
            String appKey = gateway.issueKey(gw.adminKey(), "app", "simulate");
            err.printf("simulate: registered %d experts on the replay node %s%n", matrix.expertCount(), node.url());
            try (HikariDataSource db = database(gw.dataDir())) {
                GreedyEvaluation evaluation = new GreedyEvaluation(db, matrix, split.test(), evalEmbeddings, columns);
                SimulatedUsers simulated = new SimulatedUsers(gateway, appKey, matrix, split.train(), columns, reactions, seed,
                        concurrency, err);
                report.coldStart(evaluation.utility(ContentBasedController.VERSION));
                out.println(SimulationReport.HEADER);
                String active = ContentBasedController.VERSION;
                for (int round = 1; round <= rounds; round++) {
                    SimulationReport.Round row = new SimulationReport.Round(round);
                    row.activeVersion = active;
                    String phase = "r" + round;
                    row.add(timed(report, () -> simulated.run(phase, users, turnsPerRound)));
                    awaitEventsStored();
                    if (mode != Mode.online) {
                        String candidate = train(gw.dataDir(), round);
                        row.candidateVersion = candidate;
                        row.offlineCandidate = snips(gateway, gw.adminKey(), candidate);
                        row.offlineActive = snips(gateway, gw.adminKey(), active);
                        String experiment = gateway.startExperiment(gw.adminKey(), "round " + round, active, candidate);
                        String abPhase = "ab" + round;
                        row.add(timed(report, () -> simulated.run(abPhase, users, abTurns)));
                        awaitEventsStored();
                        gateway.stopExperiment(gw.adminKey(), experiment);
                        row.abResult(gateway.experimentResults(gw.adminKey(), experiment));
                        row.candidateEvalUtility = evaluation.utility(candidate);
                        row.promoted = row.pValue != null && row.pValue < alpha;
                        if (row.promoted) {
                            gateway.activate(gw.adminKey(), candidate);
                            active = candidate;
                        }
                    }
                    row.activeEvalUtility = evaluation.utility(row.activeVersion);
                    report.add(row);
                    out.println(row.line());
                    err.printf(Locale.ROOT, "simulate: round %d done, %d turns so far, %.0f s%n", round, report.turns(),
                            (System.nanoTime() - started) / 1e9);
                }
                report.finalUtility(evaluation.utility(active));
            }
        }
        report.seconds((System.nanoTime() - started) / 1e9);
        Path plotFile = plot != null ? plot : dir.resolve("learning-curve.svg");
        report.writePlot(plotFile);
        out.print(report.summary());
        out.println("learning curve: " + plotFile.toAbsolutePath());
        if (json) {
            out.println(report.json());
        }
        return 0;
    }

    private interface Traffic {
        SimulatedUsers.Outcome run();
    }

    private static SimulatedUsers.Outcome timed(SimulationReport report, Traffic traffic) {
        long started = System.nanoTime();
        SimulatedUsers.Outcome outcome = traffic.run();
        report.trafficSeconds((System.nanoTime() - started) / 1e9, outcome);
        return outcome;
    }

    /** Exposures and signals reach PostgreSQL within llmc.events.flush-interval (100 ms); train and results read them there. */
    private static void awaitEventsStored() throws InterruptedException {
        Thread.sleep(1500);
    }

    /** Trains a version on every logged turn with the train command's own code, in this process; returns its id. */
    private String train(Path gatewayData, int round) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--state-dir", gatewayData.toString()));
        if (epochs != null) {
            args.addAll(List.of("--epochs", epochs.toString()));
        }
        int status = new CommandLine(new TrainCommand(new PrintStream(captured, true, StandardCharsets.UTF_8), err))
                .execute(args.toArray(String[]::new));
        String output = captured.toString(StandardCharsets.UTF_8);
        Matcher stored = STORED.matcher(output);
        if (status != 0 || !stored.find()) {
            throw new IllegalStateException("train failed in round " + round + " (status " + status + "): " + output);
        }
        return stored.group(1);
    }

    private static Double snips(GatewayClient gateway, String key, String version) {
        return gateway.offlineEstimate(key, version)
                .map(estimate -> estimate.get("snips"))
                .filter(value -> value != null && !value.isJsonNull())
                .map(JsonElement::getAsDouble).orElse(null);
    }

    private static HikariDataSource database(Path gatewayData) throws IOException {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(Files.readString(gatewayData.resolve(dev.llmc.gateway.storage.EmbeddedPostgresServer.URL_FILE)).strip());
        config.setUsername("postgres");
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    /** Models with a label for every prompt of the data: the default pool. */
    private List<String> fullyLabelledModels() {
        return RoutingMatrixLoader.modelsLabellingEveryPrompt(data, label);
    }

    private Map<String, String> descriptions() {
        Map<String, String> byModel = new HashMap<>();
        if (descriptions == null) {
            return byModel;
        }
        try {
            JsonObject object = JsonParser.parseString(Files.readString(descriptions)).getAsJsonObject();
            object.entrySet().forEach(entry -> byModel.put(entry.getKey(), entry.getValue().getAsString()));
            return byModel;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + descriptions + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(descriptions + " must be one JSON object of model name → description string");
        }
    }

    private ReactionModel reactionModel() {
        ReactionModel d = ReactionModel.DEFAULT;
        if ((retry != null && retry.length != 2) || (continuation != null && continuation.length != 2)) {
            throw bad("--retry and --continue take BASE,SLOPE");
        }
        try {
            return new ReactionModel(ratingNoise == null ? d.ratingNoise() : ratingNoise,
                    retry == null ? d.retryBase() : retry[0], retry == null ? d.retrySlope() : retry[1],
                    continuation == null ? d.continueBase() : continuation[0],
                    continuation == null ? d.continueSlope() : continuation[1], maxTurns == null ? d.maxTurns() : maxTurns);
        } catch (IllegalArgumentException e) {
            throw bad("reaction model: " + e.getMessage());
        }
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), "error: " + message);
    }
}
