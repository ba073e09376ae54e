package dev.llmc.tools.eval;

import dev.llmc.model.matrix.RoutingMatrix;

import dev.llmc.model.training.TrainingConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Chooses the controller's training configuration on the training prompts only, as a careful operator would before
 * activating a version: the training prompts are split again (inner train / validation, {@value #INNER_TRAIN}); each
 * candidate {@link TrainingConfig} is trained on the inner logs and valued on the validation prompts' logs; the
 * strongest prior (always the expert with the best posterior mean of its logged labels) is a candidate too, and a
 * trained candidate is only preferred when it beats the prior on validation by a significant margin
 * ({@link #gateZ}): when unsure, fall back to the strongest prior. The winner is retrained on all training logs.
 *
 * <p>Value of a policy π on validation logs: with full feedback the exact mean label of π's choice (or, for a
 * strong/weak pair with costs, RouteLLM's APGR of π's predicted advantage); with bandit feedback the inverse
 * propensity estimate over the logged messages (ℓ_i = (rating_i − 1)/4), since
 * only logged labels may be used, in its self-normalised form V̂(π) = Σ_i w_i ℓ_i / Σ_i w_i with
 * w_i = 1{π(C_i) = m_i} / p_i (lower variance when some propensities are small).
 */
final class ModelSelection {

    static final double INNER_TRAIN = 0.8;
    /**
     * A candidate must beat the prior on validation by z standard errors: one-sided 95% with a Bonferroni correction
     * over the candidates tried (z = Φ⁻¹(1 − 0.05 / candidates)), else noise on small logs passes the gate.
     */
    static double gateZ(int candidates) {
        return switch (candidates) {
            case 1 -> 1.645;
            case 2 -> 1.960;
            case 3 -> 2.128;
            case 4 -> 2.241;
            default -> 2.576;
        };
    }
    /** Logged messages per training prompt in bandit mode. */
    static final int PICKS_PER_PROMPT = 4;

    private ModelSelection() {
    }

    /**
     * The chosen router (e(C) → one score per pool expert), a short description of the choice, and the trained
     * controller of the candidate with the best validation value even when the gate rejected it (reported beside the
     * chosen one, so the gate's effect is visible).
     */
    record Choice(Function<float[], double[]> router, String description, Function<float[], double[]> trainedRouter) {
    }

    /** A named training configuration to try. */
    record Candidate(String name, TrainingConfig config) {
    }

    /**
     * The configurations tried (k, λ, epochs, learning rate), sized to the data: batch = clamp(N / 11, 16, 512), so an
     * epoch is about a dozen optimiser steps on small logs. Short, low-rate runs with k = 16–32 and little
     * regularisation won on MMLU's development split (the head over-fits within a few epochs: 20 epochs at 0.01 lost
     * about 0.05 APGR, λ ≥ 0.01 lost more; a 10-epoch k = 32 candidate, when validation noise picked it, lost 0.03).
     * Of the short runs, k = 32 for 3 epochs had the best mean inner-validation APGR over 5 seeds (0.731, against
     * 0.720 for k = 16 and 4 epochs and 0.706 for k = 16 and 2 epochs, which it replaced).
     * {@code -Dllmc.eval.grid=k:λ:epochs:lr;...} replaces the list (for experiments).
     */
    static List<Candidate> candidates(int trainingExamples, long seed) {
        String grid = System.getProperty("llmc.eval.grid", "16:0.0001:4:0.003;32:0.0001:3:0.003");
        int batch = Math.max(16, Math.min(512, trainingExamples / 11));
        TrainingConfig d = TrainingConfig.defaults();
        List<Candidate> list = new ArrayList<>();
        for (String spec : grid.split(";")) {
            String[] f = spec.split(":");
            int k = Integer.parseInt(f[0]);
            double lambda = Double.parseDouble(f[1]);
            int epochs = Integer.parseInt(f[2]);
            double learningRate = Double.parseDouble(f[3]);
            // No length signal in the matrices: α_length = 0. No trainer hold-out: selection holds out prompts itself.
            list.add(new Candidate("k" + k + "-lambda" + f[1] + "-epochs" + epochs + "-lr" + f[3],
                    new TrainingConfig(k, 1.0, 1.0, 0.0, d.servingWeightRetry(), d.servingWeightRating(),
                            d.servingWeightLength(), lambda, epochs, batch, learningRate, seed, 0.0)));
        }
        return list;
    }

    static Choice trainSelected(RoutingMatrix m, List<float[]> embeddings, int[] train, FeedbackSimulator.Mode mode,
            long seed, int strong, int weak) {
        FeedbackSimulator simulator = new FeedbackSimulator(mode, PICKS_PER_PROMPT);
        List<FeedbackSimulator.LoggedFeedback> log = simulator.simulate(m, train, seed);

        Split inner = Split.random(train.length, INNER_TRAIN, seed + 7919);
        int[] innerTrain = pick(train, inner.train());
        int[] validation = pick(train, inner.test());
        List<FeedbackSimulator.LoggedFeedback> innerLog = only(log, innerTrain);
        List<FeedbackSimulator.LoggedFeedback> validationLog = only(log, validation);
        List<Candidate> candidates = candidates(innerLog.size(), seed);

        double[] prior = loggedMeans(m.expertCount(), innerLog);
        double[] priorUnits = units(m, embeddings, validation, validationLog, mode, e -> prior);
        double bestValue = strong >= 0 ? apgr(m, embeddings, validation, e -> prior, strong, weak) : mean(priorUnits);
        Candidate best = null;
        Candidate bestTrained = null;
        double bestTrainedValue = Double.NEGATIVE_INFINITY;
        StringBuilder scores = new StringBuilder(String.format("prior=%.4f", bestValue));
        for (Candidate c : candidates) {
            ControllerRouting.Trained trained = ControllerRouting.train(m, embeddings, innerTrain, innerLog,
                    c.config(), "eval-inner-" + c.name());
            double v;
            boolean significant;
            if (strong >= 0) {
                v = apgr(m, embeddings, validation, trained::scores, strong, weak);
                significant = true; // constant routing has APGR 0.5 by construction; any real router is compared on value
            } else {
                double[] u = units(m, embeddings, validation, validationLog, mode, trained::scores);
                v = mean(u);
                double[] difference = new double[u.length];
                for (int i = 0; i < u.length; i++) {
                    difference[i] = u[i] - priorUnits[i];
                }
                significant = mean(difference) > gateZ(candidates.size()) * standardError(difference);
            }
            scores.append(String.format(" %s=%.4f%s", c.name(), v, significant ? "" : "(n.s.)"));
            if (v > bestTrainedValue) {
                bestTrainedValue = v;
                bestTrained = c;
            }
            if (significant && v > bestValue) {
                bestValue = v;
                best = c;
            }
        }
        if (Boolean.getBoolean("llmc.eval.verbose")) {
            System.err.println("  validation: " + scores);
        }
        Function<float[], double[]> trained = retrain(m, embeddings, train, log, bestTrained, seed);
        if (best == null) {
            double[] fullPrior = loggedMeans(m.expertCount(), log);
            return new Choice(e -> fullPrior, "best-prior", trained);
        }
        return new Choice(best == bestTrained ? trained : retrain(m, embeddings, train, log, best, seed), best.name(), trained);
    }

    /** Retrains a candidate on every training prompt (batch re-sized to the larger log). */
    private static Function<float[], double[]> retrain(RoutingMatrix m, List<float[]> embeddings, int[] train,
            List<FeedbackSimulator.LoggedFeedback> log, Candidate candidate, long seed) {
        Candidate full = candidates(log.size(), seed).stream().filter(c -> c.name().equals(candidate.name())).findFirst()
                .orElse(candidate);
        return ControllerRouting.train(m, embeddings, train, log, full.config(), "eval-" + full.name())::scores;
    }

    /**
     * Each expert's posterior mean label from the logs, (Σ ℓ + μ₀) / (n + 1) with μ₀ the mean of all logged labels: the
     * logging policy's own belief ({@link FeedbackSimulator#loggingPolicy}). The shrinkage matters in bandit mode, where
     * an expert served once with a lucky label would otherwise look best; with full feedback n is large and it vanishes.
     * The logging policy never looks at the prompt, so each expert's logged prompts are a random sample of the traffic.
     */
    static double[] loggedMeans(int experts, List<FeedbackSimulator.LoggedFeedback> log) {
        double[] sum = new double[experts];
        double[] count = new double[experts];
        double total = 0;
        for (FeedbackSimulator.LoggedFeedback f : log) {
            double label = (f.rating() - 1) / 4.0;
            sum[f.expert()] += label;
            count[f.expert()]++;
            total += label;
        }
        double prior = log.isEmpty() ? 0.5 : total / log.size();
        double[] means = new double[experts];
        for (int e = 0; e < experts; e++) {
            means[e] = (sum[e] + prior) / (count[e] + 1);
        }
        return means;
    }

    /**
     * Per-unit values of a policy on validation whose mean is the policy's value: with full feedback the label of its
     * choice per prompt; with bandit feedback the inverse-propensity term 1{π(C_i) = m_i} ℓ_i / p_i per logged message
     * (unbiased, and paired across policies so that differences get a standard error).
     */
    static double[] units(RoutingMatrix m, List<float[]> embeddings, int[] prompts, List<FeedbackSimulator.LoggedFeedback> log,
            FeedbackSimulator.Mode mode, Function<float[], double[]> router) {
        if (mode == FeedbackSimulator.Mode.FULL) {
            double[] u = new double[prompts.length];
            for (int i = 0; i < prompts.length; i++) {
                u[i] = m.label(prompts[i], Baselines.argmax(router.apply(embeddings.get(prompts[i]))));
            }
            return u;
        }
        double[] u = new double[log.size()];
        for (int i = 0; i < u.length; i++) {
            FeedbackSimulator.LoggedFeedback f = log.get(i);
            if (Baselines.argmax(router.apply(embeddings.get(f.prompt()))) == f.expert()) {
                u[i] = (f.rating() - 1) / 4.0 / f.propensity();
            }
        }
        return u;
    }

    /** RouteLLM's APGR of the router's predicted advantage of the strong expert on the prompts. */
    static double apgr(RoutingMatrix m, List<float[]> embeddings, int[] prompts, Function<float[], double[]> router,
            int strong, int weak) {
        double[] advantage = new double[prompts.length];
        double[] strongLabels = new double[prompts.length];
        double[] weakLabels = new double[prompts.length];
        for (int i = 0; i < prompts.length; i++) {
            double[] s = router.apply(embeddings.get(prompts[i]));
            advantage[i] = s[strong] - s[weak];
            strongLabels[i] = m.label(prompts[i], strong);
            weakLabels[i] = m.label(prompts[i], weak);
        }
        return RouteLlmMetrics.evaluate(advantage, strongLabels, weakLabels).apgr();
    }

    static double mean(double[] values) {
        return java.util.Arrays.stream(values).average().orElse(0);
    }

    /** Standard error of the mean. */
    static double standardError(double[] values) {
        if (values.length < 2) {
            return Double.POSITIVE_INFINITY;
        }
        double mean = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (values.length - 1) / values.length);
    }

    private static int[] pick(int[] values, int[] indices) {
        int[] picked = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            picked[i] = values[indices[i]];
        }
        return picked;
    }

    private static List<FeedbackSimulator.LoggedFeedback> only(List<FeedbackSimulator.LoggedFeedback> log, int[] prompts) {
        Set<Integer> keep = new HashSet<>();
        for (int p : prompts) {
            keep.add(p);
        }
        return log.stream().filter(f -> keep.contains(f.prompt())).toList();
    }
}
