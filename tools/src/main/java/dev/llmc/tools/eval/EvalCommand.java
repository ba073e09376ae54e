package dev.llmc.tools.eval;

import dev.llmc.model.matrix.RoutingMatrix;
import dev.llmc.model.matrix.RoutingMatrixLoader;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.tools.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

/**
 * {@code ./llmc eval}: offline evaluation of the controller on a full-feedback matrix. Per seed it splits the
 * prompts, simulates the training logs ({@link FeedbackSimulator}), trains the controller with the production
 * trainer ({@link ControllerRouting}) and scores routed utility on the test prompts against best single expert
 * (chosen on the training prompts), oracle, uniform random and kNN (k = {@value #KNN_K}, cosine on e(C)); with two
 * experts and costs, RouteLLM's APGR and CPT ({@link RouteLlmMetrics}) of the controller's predicted advantage of the
 * expensive expert. Progress goes to stderr; the report to stdout, or with {@code --json} only a JSON object;
 * {@code --plot FILE.svg} draws the figure ({@link EvalPlot}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains the controller with the production trainer on a full-feedback matrix (prompts.jsonl, "
                + "labels.jsonl) and reports routed utility on held-out prompts against best single expert, oracle, "
                + "uniform random and k-nearest-neighbours, mean and standard deviation over seeds; with --cost and "
                + "exactly two experts also RouteLLM's APGR, CPT(50%%) and CPT(80%%).",
                "Embeddings are cached in $LLMC_CACHE_DIR/embeddings (default ~/.cache/llmc/embeddings)."})
public final class EvalCommand implements Callable<Integer> {

    static final int KNN_K = 50;

    private final PrintStream out;
    private final PrintStream err;
    private final Path cacheRoot;

    public EvalCommand(PrintStream out, PrintStream err, Path cacheRoot) {
        this.out = out;
        this.err = err;
        this.cacheRoot = cacheRoot;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--train-data", paramLabel = "DIR", description = "matrix directory to train on (required)")
    Path trainData;
    @Option(names = "--test-data", paramLabel = "DIR", description = "matrix directory to test on (default: split --train-data)")
    Path testData;
    @Option(names = "--split", paramLabel = "F", description = "share of prompts that train, in (0,1) (default 0.7; not with --test-data)")
    Double split;
    @Option(names = "--seeds", paramLabel = "N", defaultValue = "20", description = "seeds to average over (default ${DEFAULT-VALUE})")
    int seeds;
    @Option(names = "--experts", paramLabel = "a,b,...", description = "expert pool (default: every model except style_variant ones in models.json)")
    String experts;
    @Option(names = "--cost", paramLabel = "a=1.0,...", description = "cost per expert; with exactly two experts enables APGR/CPT")
    String costs;
    @Option(names = "--label", paramLabel = "NAME", description = "label field in labels.jsonl (default win_vs_ref if present, else score)")
    String label;
    @Option(names = "--feedback", paramLabel = "MODE", defaultValue = "full",
            description = "full: every training label; bandit: simulated logged traffic (default ${DEFAULT-VALUE})")
    String feedback;
    @Option(names = "--encoder", paramLabel = "MODEL", defaultValue = EncoderModel.DEFAULT_NAME,
            description = "sentence encoder of e(C), as llmc.encoder.model: static or minilm (default ${DEFAULT-VALUE})")
    String encoder;
    @Option(names = "--json", description = "print only one JSON object with every metric on stdout (the report goes to stderr)")
    boolean json;
    @Option(names = "--plot", paramLabel = "FILE.svg",
            description = "also draw an SVG: with --cost the cost-quality curve (share of calls to the expensive expert vs "
                    + "mean label; controller and kNN averaged over seeds, random routing), else the utility bars")
    Path plot;

    /** The options validated; throws for arguments that cannot run. */
    EvalArguments arguments() throws EvalArguments.UsageException {
        return EvalArguments.of(trainData, testData, split, seeds, experts, costs, label, feedback, json);
    }

    /** Runs the command; returns the exit code (0 done, 1 failed; bad arguments: picocli's 2 with the usage). */
    @Override
    public Integer call() {
        try {
            return evaluate(arguments());
        } catch (EvalArguments.UsageException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "error: " + e.getMessage(), e);
        }
    }

    private int evaluate(EvalArguments a) {
        long started = System.nanoTime();
        EncoderModel encoderModel = EncoderModel.named(encoder);
        RoutingMatrix train = RoutingMatrixLoader.load(a.trainData(), a.label(), a.experts());
        RoutingMatrix test = a.testData() == null ? null : RoutingMatrixLoader.load(a.testData(), train.labelName(), train.experts());
        if (train.promptCount() < 4 || (test != null && test.promptCount() < 1)) {
            throw new IllegalArgumentException("too few prompts with a label for every pool expert");
        }
        err.printf("eval: %d training-data prompts%s, %d experts, label %s, feedback %s, %d seeds%n", train.promptCount(),
                test == null ? " (split " + a.split() + ")" : ", " + test.promptCount() + " test-data prompts",
                train.expertCount(), train.labelName(), a.feedback().name().toLowerCase(), a.seeds());
        err.printf("eval: encoder %s%n", encoderModel.id());

        // One matrix over train and test prompts, so that splits and test sets index the same arrays.
        RoutingMatrix all = test == null ? train : concat(train, test);
        List<float[]> embeddings = PromptEmbeddings.embed(all.prompts(), encoderModel, cacheRoot, err);

        int strong = -1;
        int weak = -1;
        if (!a.costs().isEmpty()) {
            int first = 0;
            int second = 1;
            double c0 = a.costs().get(all.experts().get(first));
            double c1 = a.costs().get(all.experts().get(second));
            strong = c0 > c1 ? first : second;
            weak = c0 > c1 ? second : first;
        }

        List<SeedResult> results = new ArrayList<>();
        ProgressBar progress = new ProgressBar(err, "eval");
        progress.update(0, a.seeds(), "seed 1/" + a.seeds());
        for (int s = 0; s < a.seeds(); s++) {
            Split split = test == null ? Split.random(all.promptCount(), a.split(), s)
                    : new Split(range(0, train.promptCount()), range(train.promptCount(), all.promptCount()));
            SeedResult r = runSeed(all, embeddings, split, a.feedback(), s, strong, weak);
            results.add(r);
            progress.println(String.format("seed %d/%d: controller %.4f (trained %.4f)  best single %.4f (%s)  knn %.4f  oracle %.4f  gain %+.3f%s  [%s] %.0f s",
                    s + 1, a.seeds(), r.controller, r.controllerTrained, r.bestSingle, r.bestExpert, r.knn, r.oracle, r.gain,
                    strong < 0 ? "" : String.format("  apgr %.3f cpt50 %.3f cpt80 %.3f", r.apgr, r.cpt50, r.cpt80),
                    r.chosen, (System.nanoTime() - started) / 1e9));
            progress.update(s + 1, a.seeds(), s + 1 < a.seeds() ? "seed " + (s + 2) + "/" + a.seeds() : "done");
        }
        progress.finish();
        JsonObject summary = summarise(all, results, a, strong >= 0);
        if (a.json()) {
            printReport(summary, err);
            out.println(new Gson().toJson(summary));
        } else {
            printReport(summary, out);
        }
        if (plot != null) {
            EvalPlot.write(plot, all, results, a, strong, weak);
            err.println("eval: plot written to " + plot);
        }
        return 0;
    }

    /** Everything one seed measures on its test prompts. */
    record SeedResult(int trainPrompts, int testPrompts, String bestExpert, double bestSingle, double oracle,
            double random, double knn, double controller, double controllerTrained, double gain, double knnGain, double apgr, double cpt50,
            double cpt80, double knnApgr, double knnCpt50, double knnCpt80, String chosen,
            List<RouteLlmMetrics.Point> controllerCurve, List<RouteLlmMetrics.Point> knnCurve, double strongQuality,
            double weakQuality) {
    }

    private SeedResult runSeed(RoutingMatrix m, List<float[]> embeddings, Split split, FeedbackSimulator.Mode mode,
            long seed, int strong, int weak) {
        int[] trainPrompts = split.train();
        int[] testPrompts = split.test();
        List<float[]> testEmbeddings = new ArrayList<>();
        for (int p : testPrompts) {
            testEmbeddings.add(embeddings.get(p));
        }
        double[] means = Baselines.expertMeans(m, trainPrompts);
        int best = Baselines.argmax(means);
        double bestSingle = Baselines.expertMeans(m, testPrompts)[best];
        double oracle = Baselines.oracle(m, testPrompts);
        double random = Baselines.uniformRandom(m, testPrompts);
        List<double[]> knnScores = Baselines.knnScores(m, embeddings, trainPrompts, testEmbeddings, KNN_K);
        double knn = Baselines.routedUtility(m, testPrompts, knnScores);

        ModelSelection.Choice choice = ModelSelection.trainSelected(m, embeddings, trainPrompts, mode, seed, strong, weak);
        List<double[]> controllerScores = testEmbeddings.stream().map(choice.router()).toList();
        double controller = Baselines.routedUtility(m, testPrompts, controllerScores);
        double controllerTrained = Baselines.routedUtility(m, testPrompts, testEmbeddings.stream().map(choice.trainedRouter()).toList());

        double apgr = Double.NaN;
        double cpt50 = Double.NaN;
        double cpt80 = Double.NaN;
        double knnApgr = Double.NaN;
        double knnCpt50 = Double.NaN;
        double knnCpt80 = Double.NaN;
        List<RouteLlmMetrics.Point> controllerCurve = List.of();
        List<RouteLlmMetrics.Point> knnCurve = List.of();
        double strongQuality = Double.NaN;
        double weakQuality = Double.NaN;
        if (strong >= 0) {
            double[] strongLabels = labels(m, testPrompts, strong);
            double[] weakLabels = labels(m, testPrompts, weak);
            RouteLlmMetrics.Result c = RouteLlmMetrics.evaluate(advantage(controllerScores, strong, weak), strongLabels, weakLabels);
            RouteLlmMetrics.Result k = RouteLlmMetrics.evaluate(advantage(knnScores, strong, weak), strongLabels, weakLabels);
            apgr = c.apgr();
            cpt50 = c.cpt50();
            cpt80 = c.cpt80();
            knnApgr = k.apgr();
            knnCpt50 = k.cpt50();
            knnCpt80 = k.cpt80();
            controllerCurve = c.curve();
            knnCurve = k.curve();
            strongQuality = java.util.Arrays.stream(strongLabels).average().orElse(Double.NaN);
            weakQuality = java.util.Arrays.stream(weakLabels).average().orElse(Double.NaN);
        }
        return new SeedResult(trainPrompts.length, testPrompts.length, m.experts().get(best), bestSingle, oracle, random,
                knn, controller, controllerTrained, Baselines.gainCaptured(controller, bestSingle, oracle),
                Baselines.gainCaptured(knn, bestSingle, oracle), apgr, cpt50, cpt80, knnApgr, knnCpt50, knnCpt80,
                choice.description(), controllerCurve, knnCurve, strongQuality, weakQuality);
    }

    /** The router's score of the strong expert minus its score of the weak one, per prompt. */
    private static double[] advantage(List<double[]> scores, int strong, int weak) {
        return scores.stream().mapToDouble(s -> s[strong] - s[weak]).toArray();
    }

    private static double[] labels(RoutingMatrix m, int[] prompts, int expert) {
        double[] labels = new double[prompts.length];
        for (int i = 0; i < prompts.length; i++) {
            labels[i] = m.label(prompts[i], expert);
        }
        return labels;
    }

    private JsonObject summarise(RoutingMatrix m, List<SeedResult> results, EvalArguments a, boolean costs) {
        JsonObject json = new JsonObject();
        json.addProperty("train_prompts", results.getFirst().trainPrompts());
        json.addProperty("test_prompts", results.getFirst().testPrompts());
        JsonArray experts = new JsonArray();
        m.experts().forEach(experts::add);
        json.add("experts", experts);
        json.addProperty("label", m.labelName());
        json.addProperty("feedback", a.feedback().name().toLowerCase());
        json.addProperty("seeds", results.size());
        Map<String, Long> bestCounts = new LinkedHashMap<>();
        results.forEach(r -> bestCounts.merge(r.bestExpert(), 1L, Long::sum));
        String mostOften = bestCounts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        JsonObject best = new JsonObject();
        best.addProperty("expert", mostOften);
        best.addProperty("utility", mean(results, SeedResult::bestSingle));
        best.addProperty("utility_std", std(results, SeedResult::bestSingle));
        json.add("best_single", best);
        json.addProperty("best_single_std", std(results, SeedResult::bestSingle));
        put(json, "oracle", results, SeedResult::oracle);
        put(json, "random", results, SeedResult::random);
        put(json, "knn", results, SeedResult::knn);
        put(json, "controller", results, SeedResult::controller);
        put(json, "gain_captured", results, SeedResult::gain);
        put(json, "controller_trained", results, SeedResult::controllerTrained);
        put(json, "controller_trained_gain_captured", results,
                r -> Baselines.gainCaptured(r.controllerTrained(), r.bestSingle(), r.oracle()));
        put(json, "knn_gain_captured", results, SeedResult::knnGain);
        put(json, "controller_beats_best_single_share", results, r -> r.controller() > r.bestSingle() ? 1 : 0);
        if (costs) {
            put(json, "apgr", results, SeedResult::apgr);
            put(json, "cpt50", results, SeedResult::cpt50);
            put(json, "cpt80", results, SeedResult::cpt80);
            put(json, "knn_apgr", results, SeedResult::knnApgr);
            put(json, "knn_cpt50", results, SeedResult::knnCpt50);
            put(json, "knn_cpt80", results, SeedResult::knnCpt80);
        }
        Map<String, Long> chosen = new LinkedHashMap<>();
        results.forEach(r -> chosen.merge(r.chosen(), 1L, Long::sum));
        JsonObject chosenJson = new JsonObject();
        chosen.forEach(chosenJson::addProperty);
        json.add("controller_config_chosen", chosenJson);
        return json;
    }

    private static void printReport(JsonObject s, PrintStream out) {
        out.printf("train prompts %d, test prompts %d, %d experts, %d seeds (%s feedback)%n",
                s.get("train_prompts").getAsInt(), s.get("test_prompts").getAsInt(), s.getAsJsonArray("experts").size(),
                s.get("seeds").getAsInt(), s.get("feedback").getAsString());
        JsonObject best = s.getAsJsonObject("best_single");
        out.printf("  %-14s %.4f ± %.4f  (%s)%n", "best single", best.get("utility").getAsDouble(),
                best.get("utility_std").getAsDouble(), best.get("expert").getAsString());
        for (String key : List.of("controller", "knn", "oracle", "random", "gain_captured", "knn_gain_captured",
                "controller_trained", "controller_trained_gain_captured",
                "apgr", "cpt50", "cpt80", "knn_apgr", "knn_cpt50", "knn_cpt80")) {
            if (s.has(key)) {
                out.printf("  %-14s %.4f ± %.4f%n", key, s.get(key).getAsDouble(), s.get(key + "_std").getAsDouble());
            }
        }
    }

    private static void put(JsonObject json, String key, List<SeedResult> results, ToDoubleFunction<SeedResult> metric) {
        json.addProperty(key, mean(results, metric));
        json.addProperty(key + "_std", std(results, metric));
        // Per seed too, so that two runs on the same seeds (e.g. two encoders) can be compared pairwise.
        JsonArray perSeed = new JsonArray();
        results.forEach(r -> perSeed.add(metric.applyAsDouble(r)));
        json.add(key + "_per_seed", perSeed);
    }

    static double mean(List<SeedResult> results, ToDoubleFunction<SeedResult> metric) {
        return results.stream().mapToDouble(metric).average().orElse(Double.NaN);
    }

    /** Sample standard deviation over seeds (0 for one seed). */
    static double std(List<SeedResult> results, ToDoubleFunction<SeedResult> metric) {
        if (results.size() < 2) {
            return 0;
        }
        double mean = mean(results, metric);
        double sum = results.stream().mapToDouble(metric).map(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(sum / (results.size() - 1));
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    private static RoutingMatrix concat(RoutingMatrix a, RoutingMatrix b) {
        List<String> ids = new ArrayList<>(a.promptIds());
        ids.addAll(b.promptIds());
        List<String> prompts = new ArrayList<>(a.prompts());
        prompts.addAll(b.prompts());
        double[][] labels = new double[a.promptCount() + b.promptCount()][];
        System.arraycopy(a.labels(), 0, labels, 0, a.promptCount());
        System.arraycopy(b.labels(), 0, labels, a.promptCount(), b.promptCount());
        return new RoutingMatrix(a.labelName(), ids, prompts, a.experts(), labels);
    }
}
