package dev.llmc.tools.simulate;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.training.TrainingFallback;
import dev.llmc.model.matrix.ExpertNames;
import dev.llmc.model.matrix.RoutingMatrix;
import dev.llmc.model.matrix.RoutingMatrixLoader;
import dev.llmc.tools.eval.PromptEmbeddings;
import dev.llmc.tools.eval.Split;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

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
    @Option(names = "--turns-per-round", paramLabel = "N", defaultValue = "1000",
            description = "replies served to traffic per round, regenerates included (default ${DEFAULT-VALUE})")
    int turnsPerRound;
    @Option(names = "--ab-turns", paramLabel = "N", defaultValue = "600",
            description = "replies served in each round's A/B experiment (default ${DEFAULT-VALUE})")
    int abTurns;
    @Option(names = "--users", paramLabel = "N", defaultValue = "100",
            description = "simulated users per round, and fresh ones per A/B experiment (default ${DEFAULT-VALUE})")
    int users;
    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "both",
            description = "both (linear Thompson and retraining), batch (retraining, greedy routing) or online (linear "
                    + "Thompson, no retraining) (default ${DEFAULT-VALUE})")
    LearningLoop.Mode mode;
    @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.05",
            description = "one-sided significance level of the promotion test on mean rating per user (default ${DEFAULT-VALUE})")
    double alpha;
    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "fixes the split and the users (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4", description = "users chatting at once (default ${DEFAULT-VALUE})")
    int concurrency;
    @Option(names = "--encoder", paramLabel = "MODEL", defaultValue = EncoderModel.DEFAULT_NAME,
            description = "the gateway's llmc.encoder.model, also used to train and to score versions (default ${DEFAULT-VALUE})")
    String encoder;

    @Option(names = "--epochs", paramLabel = "N", description = "training epochs per round (default: train's)")
    Integer epochs;
    @Option(names = "--fallback", paramLabel = "expert-means|none", defaultValue = "expert-means",
            description = "train's --fallback: what each round stores when the trained model does not beat the expert"
                    + " means on its hold-out (default ${DEFAULT-VALUE})")
    String fallback;
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${env:LLMC_STATE_DIR:-.llmc}/simulate",
            description = "fresh state directory: new, empty, or a previous simulation's, emptied first (default ${DEFAULT-VALUE})")
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
        try {
            TrainingFallback.named(fallback);
        } catch (IllegalArgumentException e) {
            throw bad("--fallback: " + e.getMessage());
        }
        if (!(evalFraction > 0 && evalFraction < 1) || !(alpha > 0 && alpha < 1)) {
            throw bad("--eval-fraction and --alpha must be in (0, 1)");
        }
        if (!LearningLoop.emptiable(dir)) {
            throw bad("--dir " + dir + " is neither empty nor a previous simulation's directory (it is emptied first)");
        }
        if (!Files.isRegularFile(data.resolve("prompts.jsonl")) || !Files.isRegularFile(data.resolve("labels.jsonl"))) {
            throw bad(data + " must contain prompts.jsonl and labels.jsonl");
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
                Arrays.stream(split.test()).mapToObj(p -> matrix.prompts().get(p)).toList(), EncoderModel.named(encoder), cacheRoot, err);
        LearningLoop.Setup setup = new LearningLoop.Setup(root, dir, data, matrix, names, descriptionByModel, split,
                evalEmbeddings, reactions, seed, concurrency, mode, epochs, TrainingFallback.named(fallback), EncoderModel.named(encoder));
        LearningLoop.Schedule schedule = new LearningLoop.Schedule(users, turnsPerRound, abTurns, alpha);
        try (LearningLoop loop = new LearningLoop(setup, report, err)) {
            report.coldStart(loop.start());
            out.println(SimulationReport.HEADER);
            for (int round = 1; round <= rounds; round++) {
                SimulationReport.Round row = loop.round(round, schedule);
                report.add(row);
                out.println(row.line());
                err.printf(Locale.ROOT, "simulate: round %d done, %d turns so far, %.0f s%n", round, report.turns(),
                        (System.nanoTime() - started) / 1e9);
            }
            report.finalUtility(loop.evaluate(loop.active()));
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
