package dev.llmc.model.evaluation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parsed {@code ./llmc eval} arguments.
 *
 * @param trainData  matrix directory to train on (and to split when testData is null)
 * @param testData   matrix directory to test on, or null to split trainData
 * @param split      share of trainData's prompts that train when splitting
 * @param seeds      number of seeds (splits, simulated logs and training seeds)
 * @param experts    the pool, or null for every model except style variants
 * @param costs      cost per expert (empty when not given)
 * @param label      label field, or null for win_vs_ref if present else score
 * @param feedback   full or bandit
 * @param json       whether to print the JSON summary as the last stdout line
 */
public record EvalArguments(Path trainData, Path testData, double split, int seeds, List<String> experts,
        Map<String, Double> costs, String label, FeedbackSimulator.Mode feedback, boolean json) {

    static final String USAGE = """
            Usage: ./llmc eval --train-data DIR [--test-data DIR | --split 0.7] [--seeds 20] [--experts a,b,...]
                               [--cost a=1.0,b=0.1] [--label win_vs_ref] [--feedback full|bandit] [--json]

            Trains the controller with the production trainer on a full-feedback matrix (prompts.jsonl, labels.jsonl)
            and reports routed utility on held-out prompts against best single expert, oracle, uniform random and
            k-nearest-neighbours, mean and standard deviation over seeds; with --cost and exactly two experts also
            RouteLLM's APGR, CPT(50%) and CPT(80%).

              --train-data DIR   matrix directory to train on (required)
              --test-data DIR    matrix directory to test on (default: split --train-data)
              --split F          share of prompts that train, in (0,1) (default 0.7; not with --test-data)
              --seeds N          seeds to average over (default 20)
              --experts a,b,...  expert pool (default: every model except style_variant ones in models.json)
              --cost a=1.0,...   cost per expert; with exactly two experts enables APGR/CPT
              --label NAME       label field in labels.jsonl (default win_vs_ref if present, else score)
              --feedback MODE    full: every training label; bandit: simulated logged traffic (default full)
              --json             print one JSON object with every metric as the last line of stdout
            Embeddings are cached in $LLMC_CACHE_DIR/embeddings (default ~/.cache/llmc/embeddings).
            """;

    /** Thrown for arguments that cannot run: the caller prints the message and the usage, exit code 2. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    /** Parses the arguments after {@code eval}. */
    public static EvalArguments parse(String[] args) throws UsageException {
        Path trainData = null;
        Path testData = null;
        Double split = null;
        int seeds = 20;
        List<String> experts = null;
        Map<String, Double> costs = new LinkedHashMap<>();
        String label = null;
        FeedbackSimulator.Mode feedback = FeedbackSimulator.Mode.FULL;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("--json")) {
                if (value != null) {
                    throw new UsageException("--json takes no value");
                }
                json = true;
                continue;
            }
            if (name.equals("-h") || name.equals("--help")) {
                throw new UsageException(null);
            }
            if (!List.of("--train-data", "--test-data", "--split", "--seeds", "--experts", "--cost", "--label",
                    "--feedback").contains(name)) {
                throw new UsageException("unknown argument: " + arg);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--train-data" -> trainData = directory(name, value);
                case "--test-data" -> testData = directory(name, value);
                case "--split" -> {
                    split = number(name, value);
                    if (!(split > 0 && split < 1)) {
                        throw new UsageException("--split must be in (0, 1), was " + value);
                    }
                }
                case "--seeds" -> {
                    try {
                        seeds = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new UsageException("--seeds must be a whole number, was " + value);
                    }
                    if (seeds < 1) {
                        throw new UsageException("--seeds must be at least 1, was " + value);
                    }
                }
                case "--experts" -> {
                    experts = Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
                    if (experts.size() < 2) {
                        throw new UsageException("--experts needs at least two experts");
                    }
                }
                case "--cost" -> {
                    for (String pair : value.split(",")) {
                        int at = pair.lastIndexOf('=');
                        if (at <= 0) {
                            throw new UsageException("--cost expects expert=cost pairs, got '" + pair + "'");
                        }
                        double cost = number("--cost", pair.substring(at + 1));
                        if (!(cost >= 0) || Double.isInfinite(cost)) {
                            throw new UsageException("--cost values must be ≥ 0, got '" + pair + "'");
                        }
                        costs.put(pair.substring(0, at).strip(), cost);
                    }
                }
                case "--label" -> label = value;
                case "--feedback" -> feedback = switch (value) {
                    case "full" -> FeedbackSimulator.Mode.FULL;
                    case "bandit" -> FeedbackSimulator.Mode.BANDIT;
                    default -> throw new UsageException("--feedback must be full or bandit, was " + value);
                };
                default -> throw new IllegalStateException(name);
            }
        }
        if (trainData == null) {
            throw new UsageException("--train-data is required");
        }
        if (testData != null && split != null) {
            throw new UsageException("give either --test-data or --split, not both");
        }
        if (!costs.isEmpty()) {
            List<String> pool = experts != null ? experts : new ArrayList<>(costs.keySet());
            if (costs.size() != 2 || pool.size() != 2 || !costs.keySet().containsAll(pool)) {
                throw new UsageException("--cost needs exactly two experts, the same as the pool (--experts)");
            }
            List<Double> values = new ArrayList<>(costs.values());
            if (values.get(0).equals(values.get(1))) {
                throw new UsageException("--cost: the two experts must have different costs (strong = expensive)");
            }
            if (experts == null) {
                experts = List.copyOf(costs.keySet());
            }
        }
        return new EvalArguments(trainData, testData, split == null ? 0.7 : split, seeds, experts, costs, label,
                feedback, json);
    }

    private static Path directory(String name, String value) throws UsageException {
        Path path = Path.of(value);
        if (!Files.isDirectory(path)) {
            throw new UsageException(name + ": not a directory: " + value);
        }
        return path;
    }

    private static double number(String name, String value) throws UsageException {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number, was " + value);
        }
    }
}
