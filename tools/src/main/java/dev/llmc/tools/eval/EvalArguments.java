package dev.llmc.tools.eval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validated {@code llmc-tools eval} arguments (the options are declared on {@link EvalCommand}).
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

    /** Thrown for arguments that cannot run: the caller prints the message and the usage, exit code 2. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * Validates the options as given on the command line (null: not given) and fills in defaults.
     *
     * @param expertList comma-separated expert pool
     * @param costList   comma-separated expert=cost pairs
     * @param feedbackName full or bandit
     */
    public static EvalArguments of(Path trainData, Path testData, Double split, int seeds, String expertList,
            String costList, String label, String feedbackName, boolean json) throws UsageException {
        if (trainData != null) {
            directory("--train-data", trainData);
        }
        if (testData != null) {
            directory("--test-data", testData);
        }
        if (split != null && !(split > 0 && split < 1)) {
            throw new UsageException("--split must be in (0, 1), was " + split);
        }
        if (seeds < 1) {
            throw new UsageException("--seeds must be at least 1, was " + seeds);
        }
        List<String> experts = null;
        if (expertList != null) {
            experts = Arrays.stream(expertList.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
            if (experts.size() < 2) {
                throw new UsageException("--experts needs at least two experts");
            }
        }
        Map<String, Double> costs = new LinkedHashMap<>();
        if (costList != null) {
            for (String pair : costList.split(",")) {
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
        FeedbackSimulator.Mode feedback = switch (feedbackName) {
            case "full" -> FeedbackSimulator.Mode.FULL;
            case "bandit" -> FeedbackSimulator.Mode.BANDIT;
            default -> throw new UsageException("--feedback must be full or bandit, was " + feedbackName);
        };
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

    private static void directory(String name, Path path) throws UsageException {
        if (!Files.isDirectory(path)) {
            throw new UsageException(name + ": not a directory: " + path);
        }
    }

    private static double number(String name, String value) throws UsageException {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number, was " + value);
        }
    }
}
