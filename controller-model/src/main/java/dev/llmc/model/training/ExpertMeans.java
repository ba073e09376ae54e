package dev.llmc.model.training;

import dev.llmc.model.training.internal.ControllerParameters;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Each expert's mean of every signal, ignoring the conversation: what a router knows that has only learned how good
 * each expert is on average. It is the baseline a trained controller must beat on the hold-out, and the controller
 * {@code train} stores when it does not ({@link TrainingFallback#EXPERT_MEANS}).
 *
 * <p>Per head s (retried, (stars − 1)/4, later turns) and expert m, over m's training examples carrying the signal:
 * <ul>
 *   <li>the inverse-propensity weighted mean ȳ_m = Σ ω_i y_i / Σ ω_i with ω_i = min(1/p_i, 10) as training weights
 *       them (the traffic came from an adaptive policy, which sends each expert the conversations it believed suit it),
 *       and its effective count n_m = (Σ ω_i)² / Σ ω_i²;</li>
 *   <li>shrunk toward the mean over experts by empirical Bayes (method of moments): μ = the mean of the ȳ_m, σ² the
 *       pooled within-expert variance, τ² = max(0, var(ȳ_m) − mean(σ²/n_m)) the variance of the true means, and
 *       κ = σ²/τ² pseudo-examples at μ, at least {@value #MIN_PSEUDO_COUNT} and at most {@value #MAX_PSEUDO_COUNT}:
 *       <pre>mean_m = (n_m ȳ_m + κ μ) / (n_m + κ)</pre>
 *       The floor is there because the normal model behind κ trusts a few identical ratings too much (three 5-star
 *       ratings look like a sure 5 when the other experts' ratings vary little, and outrank 200 ratings averaging
 *       4.4); with it an expert with three lucky ratings does not outrank one measured on two hundred, while a few
 *       hundred examples per expert are barely shrunk.</li>
 * </ul>
 * An expert without examples of a head, or absent from training, gets μ (neutral); with no examples of a head at all
 * μ = 0.5. The link scale of a mean is the trained heads' raw value: logit for retry and rating, log for the length
 * (means clipped to [0.001, 0.999] and ≥ 0.001).
 */
public final class ExpertMeans {

    /** The least κ: a handful of examples says little about an expert, whatever the pooled variance suggests. */
    static final double MIN_PSEUDO_COUNT = 10;
    /** Bounds κ when the experts' means differ by no more than noise (τ² = 0): the ranking then still follows the data. */
    static final double MAX_PSEUDO_COUNT = 1000;
    private static final int HEADS = ControllerParameters.HEADS;
    private static final double CLIP = 1e-3;
    private static final String[] HEAD_NAMES = {"retry", "rating", "length"};

    /** Per expert and head the shrunk mean, raw scale. */
    private final Map<String, double[]> means;
    private final double[] pooled;
    private final double[] pseudoCount;

    private ExpertMeans(Map<String, double[]> means, double[] pooled, double[] pseudoCount) {
        this.means = Map.copyOf(means);
        this.pooled = pooled;
        this.pseudoCount = pseudoCount;
    }

    /** The shrunk means of the examples' experts. */
    public static ExpertMeans fit(List<TrainingExample> examples) {
        // Per expert and head: Σω, Σω², Σωy, Σωy².
        Map<String, double[][]> sums = new HashMap<>();
        for (TrainingExample example : examples) {
            double[][] expert = sums.computeIfAbsent(example.expertId(), id -> new double[HEADS][4]);
            double w = example.inversePropensityWeight();
            add(expert[ControllerParameters.RETRY], w, example.retried() ? 1 : 0);
            if (example.hasRating()) {
                add(expert[ControllerParameters.RATING], w, (example.rating() - 1) / 4.0);
            }
            if (example.hasConversationLength()) {
                add(expert[ControllerParameters.LENGTH], w, example.conversationLength());
            }
        }
        double[] pooled = new double[HEADS];
        double[] pseudoCount = new double[HEADS];
        Map<String, double[]> means = new HashMap<>();
        sums.keySet().forEach(id -> means.put(id, new double[HEADS]));
        for (int s = 0; s < HEADS; s++) {
            int experts = 0;
            double meanSum = 0;
            double within = 0;
            double withinDegrees = 0;
            for (double[][] expert : sums.values()) {
                double[] t = expert[s];
                if (t[0] > 0) {
                    double mean = t[2] / t[0];
                    double effective = t[0] * t[0] / t[1];
                    experts++;
                    meanSum += mean;
                    // Σω(y − ȳ)² / Σω is the expert's variance; n/(n − 1) of it, pooled over the experts' n − 1.
                    within += effective * Math.max(0, t[3] / t[0] - mean * mean);
                    withinDegrees += effective - 1;
                }
            }
            double mu = experts == 0 ? 0.5 : meanSum / experts;
            double sigma2 = withinDegrees > 0 ? within / withinDegrees : 0;
            double kappa = 0;
            if (experts >= 2) {
                double spread = 0;
                double noise = 0;
                for (double[][] expert : sums.values()) {
                    double[] t = expert[s];
                    if (t[0] > 0) {
                        double deviation = t[2] / t[0] - mu;
                        spread += deviation * deviation;
                        noise += sigma2 * t[1] / (t[0] * t[0]);
                    }
                }
                double tau2 = spread / (experts - 1) - noise / experts;
                kappa = tau2 > 0 ? Math.min(Math.max(sigma2 / tau2, MIN_PSEUDO_COUNT), MAX_PSEUDO_COUNT) : MAX_PSEUDO_COUNT;
            }
            pooled[s] = mu;
            pseudoCount[s] = kappa;
            for (Map.Entry<String, double[][]> expert : sums.entrySet()) {
                double[] t = expert.getValue()[s];
                double effective = t[0] > 0 ? t[0] * t[0] / t[1] : 0;
                means.get(expert.getKey())[s] = effective == 0 ? mu : (effective * t[2] / t[0] + kappa * mu) / (effective + kappa);
            }
        }
        return new ExpertMeans(means, pooled, pseudoCount);
    }

    private static void add(double[] sums, double weight, double y) {
        sums[0] += weight;
        sums[1] += weight * weight;
        sums[2] += weight * y;
        sums[3] += weight * y * y;
    }

    /** The expert's shrunk mean of a head (retried share, (stars − 1)/4 or later turns); μ for an unseen expert. */
    public double mean(String expertId, int head) {
        double[] expert = means.get(expertId);
        return expert == null ? pooled[head] : expert[head];
    }

    /** μ_s, the mean over experts a head's means are shrunk toward (and a new expert starts from). */
    public double pooledMean(int head) {
        return pooled[head];
    }

    /** κ_s, the pseudo-examples at μ_s each expert's mean of the head is shrunk with. */
    public double pseudoCount(int head) {
        return pseudoCount[head];
    }

    /** The expert's means as raw head values r_s (logit, logit, log): a conversation-blind prediction of its signals. */
    public double[] raw(String expertId) {
        double[] raw = new double[HEADS];
        for (int s = 0; s < HEADS; s++) {
            raw[s] = link(s, mean(expertId, s));
        }
        return raw;
    }

    private static double link(int head, double mean) {
        if (head == ControllerParameters.LENGTH) {
            return Math.log(Math.max(mean, CLIP));
        }
        double p = Math.min(Math.max(mean, CLIP), 1 - CLIP);
        return Math.log(p / (1 - p));
    }

    /**
     * The expert-means controller in the trained controller's frame (same manifest, projection and k): θ_{m,s} = 0 and
     * b_{m,s} = the expert's mean on the head's link scale for every expert it lists, a_s = 0 and β_s = μ_s's link
     * value, so an expert new to it scores as the average expert whatever its description. The gateway serves it as it
     * serves any trained version; every conversation gets the same ranking.
     */
    public ControllerArtifact controller(ControllerArtifact trained) {
        ControllerManifest manifest = trained.manifest();
        ControllerParameters fitted = trained.parameters();
        List<String> expertIds = manifest.expertIds();
        float[][] theta = new float[HEADS][expertIds.size() * fitted.k()];
        float[][] bias = new float[HEADS][expertIds.size()];
        float[] prior = new float[HEADS];
        for (int s = 0; s < HEADS; s++) {
            prior[s] = (float) link(s, pooled[s]);
            for (int m = 0; m < expertIds.size(); m++) {
                bias[s][m] = (float) link(s, mean(expertIds.get(m), s));
            }
        }
        return ControllerArtifact.of(manifest, new ControllerParameters(fitted.dimension(), fitted.k(), fitted.projection(),
                theta, bias, new float[HEADS], prior));
    }

    /** κ_s and μ_s as manifest metrics: {@code expert_means_pseudo_count_<head>}, {@code expert_means_pooled_<head>}. */
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new HashMap<>();
        for (int s = 0; s < HEADS; s++) {
            metrics.put(String.format(Locale.ROOT, "expert_means_pseudo_count_%s", HEAD_NAMES[s]), pseudoCount[s]);
            metrics.put(String.format(Locale.ROOT, "expert_means_pooled_%s", HEAD_NAMES[s]), pooled[s]);
        }
        return metrics;
    }
}
