package dev.llmc.model.training;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether a controller's training data can carry the model it fits, in two checks.
 *
 * <p><b>Examples per parameter.</b> Each signal head fits k + 1 parameters per expert (θ_{m,s} ∈ R^k and b_{m,s})
 * from that expert's examples alone; the projection W is shared and anchored to its random start. The classical rule
 * for logistic and linear models is about 10 examples per fitted parameter (Peduzzi et al. 1996, "events per
 * variable"); below it the fit follows noise. An expert's count is its training examples carrying the primary signal,
 * the rating (all its examples when nothing is rated or the rating head is off). Every expert seen in training
 * needs {@link #MIN_EXAMPLES_PER_PARAMETER} · (k + 1).
 *
 * <p><b>Hold-out.</b> The model must beat a trivial baseline on the newest examples it never saw: predicting each
 * expert's training mean of every signal (what a router that ignores the conversation knows). The per-example loss
 * difference (baseline − model, α-weighted as in training) must be positive with one-sided 95% confidence,
 * mean − 1.645·SE > 0, on at least {@link #MIN_HOLDOUT_EXAMPLES} held-out examples (fewer make the standard error
 * itself unreliable).
 *
 * @param parametersPerExpert k + 1, the parameters each head fits per expert
 * @param examplesPerExpert   per expert seen in training, its examples (as counted above)
 * @param holdoutExamples     examples held out
 * @param holdoutImprovement  mean per held-out example of baseline loss − model loss (NaN without a hold-out)
 * @param holdoutImprovementSe its standard error
 */
public record DataSufficiency(int parametersPerExpert, Map<String, Long> examplesPerExpert, long holdoutExamples,
                              double holdoutImprovement, double holdoutImprovementSe) {

    public static final double MIN_EXAMPLES_PER_PARAMETER = 10;
    public static final int MIN_HOLDOUT_EXAMPLES = 30;
    static final double Z_ONE_SIDED_95 = 1.6448536269514722;
    static final String PARAMETERS = "data_parameters_per_expert";
    static final String EXAMPLES_PREFIX = "data_examples.";
    static final String SUFFICIENT = "data_sufficient";

    public DataSufficiency {
        examplesPerExpert = Map.copyOf(examplesPerExpert);
    }

    /** The check of a model with projection size k trained on train, given its hold-out metrics. */
    public static DataSufficiency assess(TrainingConfig config, List<TrainingExample> train, long holdoutExamples,
                                         Map<String, Double> holdoutMetrics) {
        boolean byRating = config.alphaRating() > 0 && train.stream().anyMatch(TrainingExample::hasRating);
        Map<String, Long> counts = new HashMap<>();
        for (TrainingExample example : train) {
            counts.merge(example.expertId(), !byRating || example.hasRating() ? 1L : 0L, Long::sum);
        }
        return new DataSufficiency(config.k() + 1, counts, holdoutExamples,
                holdoutMetrics.getOrDefault(HoldoutMetrics.IMPROVEMENT, Double.NaN),
                holdoutMetrics.getOrDefault(HoldoutMetrics.IMPROVEMENT_SE, Double.NaN));
    }

    /** The check as a stored version's metrics recorded it; empty for versions trained before it existed. */
    public static Optional<DataSufficiency> fromMetrics(Map<String, Double> metrics, long holdoutExamples) {
        Double parameters = metrics.get(PARAMETERS);
        if (parameters == null) {
            return Optional.empty();
        }
        Map<String, Long> counts = new HashMap<>();
        metrics.forEach((name, value) -> {
            if (name.startsWith(EXAMPLES_PREFIX)) {
                counts.put(name.substring(EXAMPLES_PREFIX.length()), value.longValue());
            }
        });
        return Optional.of(new DataSufficiency(parameters.intValue(), counts, holdoutExamples,
                metrics.getOrDefault(HoldoutMetrics.IMPROVEMENT, Double.NaN),
                metrics.getOrDefault(HoldoutMetrics.IMPROVEMENT_SE, Double.NaN)));
    }

    /** The examples every expert needs: MIN_EXAMPLES_PER_PARAMETER · (k + 1). */
    public long neededPerExpert() {
        return (long) Math.ceil(MIN_EXAMPLES_PER_PARAMETER * parametersPerExpert);
    }

    /** The expert with the fewest examples (ties by id), or null when none was seen. */
    public String sparsestExpert() {
        return new TreeMap<>(examplesPerExpert).entrySet().stream()
                .min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /** The sparsest expert's examples per fitted parameter. */
    public double examplesPerParameter() {
        String sparsest = sparsestExpert();
        return sparsest == null ? 0 : (double) examplesPerExpert.get(sparsest) / parametersPerExpert;
    }

    public boolean enoughPerExpert() {
        return examplesPerParameter() >= MIN_EXAMPLES_PER_PARAMETER;
    }

    /** Whether the model beat each expert's mean on the hold-out with one-sided 95% confidence. */
    public boolean beatsExpertMeans() {
        return holdoutExamples >= MIN_HOLDOUT_EXAMPLES && Double.isFinite(holdoutImprovementSe)
                && holdoutImprovement - Z_ONE_SIDED_95 * holdoutImprovementSe > 0;
    }

    /** Both checks pass: the data carries the model. */
    public boolean sufficient() {
        return enoughPerExpert() && beatsExpertMeans();
    }

    /** What is wrong, in words a data scientist can act on; empty when sufficient. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (!enoughPerExpert()) {
            long thin = examplesPerExpert.values().stream().filter(count -> count < neededPerExpert()).count();
            String sparsest = sparsestExpert();
            long smallest = sparsest == null ? 0 : examplesPerExpert.get(sparsest);
            // The largest k whose k + 1 parameters the sparsest expert's examples carry at 10 per parameter.
            long affordableK = (long) Math.floor(smallest / MIN_EXAMPLES_PER_PARAMETER) - 1;
            warnings.add(String.format(Locale.ROOT,
                    "thin data: each expert's heads fit %d parameters (k = %d), which needs %d examples per expert; "
                            + "%d of %d experts have fewer, the sparsest ('%s') %d (%.1f per parameter): %s",
                    parametersPerExpert, parametersPerExpert - 1, neededPerExpert(), thin, examplesPerExpert.size(),
                    sparsest, smallest, examplesPerParameter(),
                    affordableK >= 1 ? "log more traffic or train with --k " + affordableK
                            : "log more traffic before training a controller"));
        }
        if (holdoutExamples < MIN_HOLDOUT_EXAMPLES) {
            warnings.add(String.format(Locale.ROOT, "hold-out check impossible: %d examples held out, at least %d needed",
                    holdoutExamples, MIN_HOLDOUT_EXAMPLES));
        } else if (!beatsExpertMeans()) {
            warnings.add(String.format(Locale.ROOT,
                    "on %d held-out examples the model does not beat predicting each expert's mean (loss improvement "
                            + "%.4f ± %.4f): it has not shown it learned which conversations suit which expert",
                    holdoutExamples, holdoutImprovement, Z_ONE_SIDED_95 * holdoutImprovementSe));
        }
        return warnings;
    }

    /** The check's inputs and verdict as manifest metrics (per-expert counts as {@code data_examples.<expert>}). */
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new HashMap<>();
        metrics.put(PARAMETERS, (double) parametersPerExpert);
        examplesPerExpert.forEach((expert, count) -> metrics.put(EXAMPLES_PREFIX + expert, (double) count));
        metrics.put(SUFFICIENT, sufficient() ? 1.0 : 0.0);
        return metrics;
    }
}
