package dev.llmc.tools.simulate;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.llmc.gateway.storage.EmbeddedPostgresServer;
import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.matrix.RoutingMatrix;
import dev.llmc.model.scoring.ContentBasedController;
import dev.llmc.model.training.TrainingFallback;
import dev.llmc.tools.eval.Split;
import dev.llmc.tools.rig.LocalSystem;
import dev.llmc.tools.train.TrainCommand;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The learning loop on a running system: a replay gpu-node and a gateway (embedded PostgreSQL and Redis) started in a
 * fresh directory, the matrix's models registered, an app key for the simulated users. Each {@link #round} is traffic
 * under the current routing → {@code train} on everything logged → an A/B test active vs candidate with fresh users →
 * promotion only on a one-sided win at α; versions are scored by {@link GreedyEvaluation}.
 */
final class LearningLoop implements AutoCloseable {
    private static final Pattern STORED = Pattern.compile("stored controller version (\\S+)");
    /** Marks a directory as a simulation's, so that a later run may empty it; any other non-empty directory is refused. */
    static final String MARKER = ".llmc-simulate";

    /** What runs between rounds. */
    enum Mode {
        /** The gateway's default routing (greedy plus the cold-start share) and retraining every round. */
        batch("greedy"),
        /** Linear Thompson sampling outside experiments, no retraining. */
        online("linear-thompson"),
        /** Linear Thompson sampling and retraining. */
        both("linear-thompson");

        /** {@code llmc.routing.exploration.policy}; always set, so a policy in the caller's environment cannot leak in. */
        final String explorationPolicy;

        Mode(String explorationPolicy) {
            this.explorationPolicy = explorationPolicy;
        }
    }

    /** The simulation's fixed inputs. */
    record Setup(Path root, Path dir, Path data, RoutingMatrix matrix, Map<String, String> names,
            Map<String, String> descriptions, Split split, List<float[]> evalEmbeddings, ReactionModel reactions, long seed,
            int concurrency, Mode mode, Integer epochs, TrainingFallback fallback, EncoderModel encoder) {
    }

    /** The traffic of one round: users per phase, replies served to traffic and in the A/B test, α. */
    record Schedule(int users, int turns, int abTurns, double alpha) {
    }

    private final Setup setup;
    private final PrintStream err;
    private final LocalSystem system;
    private final SimulationReport report;
    private GatewayClient gateway;
    private LocalSystem.Gateway gw;
    private HikariDataSource db;
    private GreedyEvaluation evaluation;
    /** Null in batch mode, which keeps no posteriors. */
    private PosteriorMeanEvaluation posteriorEvaluation;
    private SimulatedUsers users;
    private String active = ContentBasedController.VERSION;

    LearningLoop(Setup setup, SimulationReport report, PrintStream err) {
        this.setup = setup;
        this.report = report;
        this.err = err;
        this.system = new LocalSystem(setup.root(), err);
    }

    /** Starts the system in the (emptied) directory and registers every expert; returns the cold-start utility. */
    double start() throws IOException, InterruptedException {
        if (!emptiable(setup.dir())) {
            throw new IllegalStateException(setup.dir() + " is neither empty nor a previous simulation's directory");
        }
        LocalSystem.deleteRecursively(setup.dir());
        Files.createDirectories(setup.dir());
        Files.createFile(setup.dir().resolve(MARKER));
        err.println("simulate: fresh state in " + setup.dir().toAbsolutePath());
        LocalSystem.Node node = system.gpuNode(setup.dir().resolve("gpu-node.log"),
                Map.of("LLMC_REPLAY_DATA_DIR", setup.data().toAbsolutePath().toString()), List.of());
        // Both pinned, so an exported LLMC_ROUTING_EXPLORATION_POLICY or LLMC_ENCODER_MODEL cannot change a mode's run.
        // Simulated users send hundreds of turns a second: with the default 30 s reload of feedback counts a whole round
        // could pass before the first expert stops being "new", and the cold-start share would never reach another one.
        gw = system.gateway("simulate", setup.dir().resolve("gateway"), Map.of(
                "LLMC_ROUTING_EXPLORATION_POLICY", setup.mode().explorationPolicy,
                "LLMC_ENCODER_MODEL", setup.encoder().configName(),
                "LLMC_ROUTING_COLD_START_REFRESH", "1s"), List.of());
        gateway = new GatewayClient(gw.url());
        RoutingMatrix matrix = setup.matrix();
        Map<String, Integer> columns = new HashMap<>();
        for (int e = 0; e < matrix.expertCount(); e++) {
            String model = matrix.experts().get(e);
            gateway.registerExpert(gw.adminKey(), setup.names().get(model), setup.descriptions().getOrDefault(model, model),
                    node.url() + "/v1");
            columns.put(setup.names().get(model), e);
        }
        String appKey = gateway.issueKey(gw.adminKey(), "app", "simulate");
        err.printf("simulate: registered %d experts on the replay node %s%n", matrix.expertCount(), node.url());
        db = database(gw.dataDir());
        evaluation = new GreedyEvaluation(db, setup.encoder(), matrix, setup.split().test(), setup.evalEmbeddings(), columns);
        if (setup.mode() != Mode.batch) {
            posteriorEvaluation = new PosteriorMeanEvaluation(gateway, gw.adminKey(), db, setup.encoder().id(), matrix,
                    setup.split().test(), columns);
        }
        users = new SimulatedUsers(gateway, appKey, matrix, setup.split().train(), columns, setup.reactions(), setup.seed(),
                setup.concurrency(), err);
        return evaluation.utility(ContentBasedController.VERSION);
    }

    /** How many exposures each exploration policy served (the {@code policy} column), to check what a mode ran. */
    Map<String, Long> servedByPolicy() throws SQLException {
        Map<String, Long> served = new TreeMap<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("select policy, count(*) from exposures group by policy")) {
            while (rows.next()) {
                served.put(rows.getString(1), rows.getLong(2));
            }
        }
        return served;
    }

    /** Whether dir may be emptied: missing, empty, or marked as a simulation's. */
    static boolean emptiable(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return !Files.exists(dir);
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty() || Files.exists(dir.resolve(MARKER));
        }
    }

    String active() {
        return active;
    }

    double evaluate(String version) {
        return evaluation.utility(version);
    }

    /**
     * One round: traffic, then (unless online) train, A/B and promotion; both versions evaluated, and in online and both
     * modes the posterior means over the version active at the end of the round.
     */
    SimulationReport.Round round(int number, Schedule schedule) throws InterruptedException {
        SimulationReport.Round row = new SimulationReport.Round(number);
        row.activeVersion = active;
        row.add(traffic("r" + number, schedule.users(), schedule.turns()));
        if (setup.mode() != Mode.online) {
            String candidate = train(number);
            abTest(row, candidate, "ab" + number, schedule);
        }
        row.activeEvalUtility = evaluate(row.activeVersion);
        if (posteriorEvaluation != null) {
            row.posteriorEvalUtility = posteriorEvaluation.utility();
        }
        return row;
    }

    /**
     * An A/B experiment of the active version (control) against candidate, by user, with fresh users of the phase; the
     * candidate is activated only if its mean rating per user is higher at one-sided α. Fills the row's test fields.
     */
    void abTest(SimulationReport.Round row, String candidate, String phase, Schedule schedule) throws InterruptedException {
        row.candidateVersion = candidate;
        Optional<JsonObject> estimate = gateway.offlineEstimate(gw.adminKey(), candidate);
        row.offlineCandidate = estimate.map(e -> number(e, "snips")).orElse(null);
        // A gateway that reports the active version on the same decisions says so under "active" and gives a verdict;
        // an older one is asked about the active version separately.
        row.offlineActive = estimate.map(e -> e.get("active")).filter(JsonElement::isJsonObject)
                .map(active -> number(active.getAsJsonObject(), "snips"))
                .orElseGet(() -> gateway.offlineEstimate(gw.adminKey(), active).map(e -> number(e, "snips")).orElse(null));
        row.offlineVerdict = estimate.map(e -> e.get("versus_active")).filter(JsonElement::isJsonObject)
                .map(versus -> versus.getAsJsonObject().get("verdict")).filter(v -> v != null && !v.isJsonNull())
                .map(JsonElement::getAsString).orElse(null);
        String experiment = gateway.startExperiment(gw.adminKey(), phase + ": " + active + " vs " + candidate, active, candidate);
        row.add(traffic(phase, schedule.users(), schedule.abTurns()));
        gateway.stopExperiment(gw.adminKey(), experiment);
        row.abResult(gateway.experimentResults(gw.adminKey(), experiment));
        GreedyEvaluation.Score score = evaluation.score(candidate);
        row.candidateEvalUtility = score.utility();
        row.candidateExperts = score.served();
        row.candidateExpertMeans = score.expertMeans();
        row.candidateHoldoutZ = score.holdoutZ();
        err.printf(Locale.ROOT, "simulate: candidate %s (%s, trained model's hold-out z %s) scores %.4f on the evaluation"
                        + " prompts, serving %s; A/B one-sided p %s%n",
                candidate, candidate.equals(ContentBasedController.VERSION) ? "content" : score.expertMeans() ? "expert means" : "trained",
                score.holdoutZ(), score.utility(), score.served(), row.pValue);
        row.promoted = row.pValue != null && row.pValue < schedule.alpha();
        if (row.promoted) {
            gateway.activate(gw.adminKey(), candidate);
            active = candidate;
        }
    }

    private SimulatedUsers.Outcome traffic(String phase, int userCount, int turns) throws InterruptedException {
        long started = System.nanoTime();
        SimulatedUsers.Outcome outcome = users.run(phase, userCount, turns);
        report.traffic((System.nanoTime() - started) / 1e9, outcome);
        // Exposures and signals reach PostgreSQL within llmc.events.flush-interval (100 ms); train and results read them there.
        Thread.sleep(1500);
        return outcome;
    }

    /** Trains a version on every logged turn with the train command's own code, in this process; returns its id. */
    private String train(int round) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--state-dir", gw.dataDir().toString(),
                "--encoder", setup.encoder().configName(), "--fallback", setup.fallback().wireName()));
        if (setup.epochs() != null) {
            args.addAll(List.of("--epochs", setup.epochs().toString()));
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

    private static Double number(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value == null || value.isJsonNull() ? null : value.getAsDouble();
    }

    private static HikariDataSource database(Path gatewayData) throws IOException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(Files.readString(gatewayData.resolve(EmbeddedPostgresServer.URL_FILE)).strip());
        config.setUsername("postgres");
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        if (db != null) {
            db.close();
        }
        system.close();
    }
}
