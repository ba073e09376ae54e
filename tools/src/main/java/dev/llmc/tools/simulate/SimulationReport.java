package dev.llmc.tools.simulate;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.llmc.model.matrix.RoutingMatrix;
import dev.llmc.tools.eval.Baselines;
import dev.llmc.tools.eval.Split;
import dev.llmc.tools.plot.SvgChart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The figures of one simulation: baselines, one row per round, totals; as a table, a JSON object and a plot. */
final class SimulationReport {
    static final String HEADER = String.format(Locale.ROOT, "%5s %7s  %-20s %7s  %-20s %7s  %8s %8s  %9s %8s  %-8s  %s",
            "round", "turns", "active", "eval", "candidate", "eval", "off.cand", "off.act", "A/B lift", "p(1-s)", "promoted",
            "post.mean");

    private final String mode;
    private final long seed;
    private final int evalPrompts;
    private final int experts;
    private final String bestSingleExpert;
    private final double bestSingle;
    private final String hindsightExpert;
    private final double hindsight;
    private final double oracle;
    private final double random;
    private final List<Round> rounds = new ArrayList<>();
    private double coldStart;
    private double finalUtility;
    private int turns;
    private double regret;
    private double trafficSeconds;
    private double seconds;

    /** One round: its traffic and A/B, the versions and their evaluation utilities, the test and the decision. */
    static final class Round {
        final int round;
        int turns;
        double regret;
        String activeVersion;
        double activeEvalUtility;
        String candidateVersion;
        Double candidateEvalUtility;
        /** How many evaluation prompts each expert (model name) got from the candidate, most first. */
        Map<String, Integer> candidateExperts;
        /** Whether the candidate is the expert-means controller train fell back to. */
        Boolean candidateExpertMeans;
        /** The trained model's hold-out loss improvement over the expert means, in standard errors (the gate's z). */
        Double candidateHoldoutZ;
        /** Linear Thompson's posterior means (over the version active at the round's end), greedily; null in batch mode. */
        Double posteriorEvalUtility;
        Double offlineCandidate;
        Double offlineActive;
        /** The gateway's verdict on candidate versus active from the logged traffic (better, worse, …), when it gives one. */
        String offlineVerdict;
        Double abControlMean;
        Double abCandidateMean;
        Double abLift;
        /** One-sided p-value of "candidate's mean rating per user is higher"; null when no test ran. */
        Double pValue;
        boolean promoted;

        Round(int round) {
            this.round = round;
        }

        void add(SimulatedUsers.Outcome outcome) {
            turns += outcome.turns();
            regret += outcome.regret();
        }

        /** Reads the arms "control" and "candidate" of {@code GET /experiments/{id}/results}. */
        void abResult(JsonObject results) {
            for (JsonElement element : results.getAsJsonArray("arms")) {
                JsonObject arm = element.getAsJsonObject();
                Double mean = number(arm, "rating_mean");
                if (arm.get("name").getAsString().equals("control")) {
                    abControlMean = mean;
                } else {
                    abCandidateMean = mean;
                    abLift = number(arm, "rating_lift");
                    Double twoSided = number(arm, "rating_p_value");
                    if (twoSided != null && mean != null) {
                        boolean better = abLift != null && abLift > 0;
                        pValue = better ? twoSided / 2 : 1 - twoSided / 2;
                    }
                }
            }
        }

        /**
         * Whether the offline estimate foresaw the A/B's direction: candidate's SNIPS above the active version's (or, when
         * the gateway gives none for it, above the active arm's measured reward (rating − 1) / 4) and the candidate's
         * measured mean rating above the control's. Null when either side is missing.
         */
        Boolean offlinePredicted() {
            Double baseline = offlineActive != null ? offlineActive : abControlMean == null ? null : (abControlMean - 1) / 4;
            if (offlineCandidate == null || baseline == null || abControlMean == null || abCandidateMean == null) {
                return null;
            }
            return (offlineCandidate > baseline) == (abCandidateMean > abControlMean);
        }

        double activeAfter() {
            return promoted ? candidateEvalUtility : activeEvalUtility;
        }

        String line() {
            return String.format(Locale.ROOT, "%5d %7d  %-20s %7.4f  %-20s %7s  %8s %8s  %9s %8s  %-8s  %s", round, turns,
                    activeVersion, activeEvalUtility, candidateVersion == null ? "-" : candidateVersion,
                    format(candidateEvalUtility, "%.4f"), format(offlineCandidate, "%.4f"), format(offlineActive, "%.4f"),
                    format(abLift == null ? null : abLift * 100, "%+.1f%%"), format(pValue, "%.2g"), promoted ? "yes" : "no",
                    format(posteriorEvalUtility, "%.4f"));
        }

        JsonObject json() {
            JsonObject row = new JsonObject();
            row.addProperty("round", round);
            row.addProperty("turns", turns);
            row.addProperty("active_version", activeVersion);
            row.addProperty("active_eval_utility", activeEvalUtility);
            row.addProperty("candidate_version", candidateVersion);
            row.addProperty("candidate_eval_utility", candidateEvalUtility);
            row.addProperty("candidate_expert_means", candidateExpertMeans);
            row.addProperty("candidate_holdout_z", candidateHoldoutZ);
            if (candidateExperts != null) {
                JsonObject served = new JsonObject();
                candidateExperts.forEach(served::addProperty);
                row.add("candidate_experts", served);
            }
            row.addProperty("posterior_eval_utility", posteriorEvalUtility);
            row.addProperty("promoted", promoted);
            row.addProperty("p_value", pValue);
            row.addProperty("ab_control_rating", abControlMean);
            row.addProperty("ab_candidate_rating", abCandidateMean);
            row.addProperty("ab_rating_lift", abLift);
            row.addProperty("offline_estimate_candidate", offlineCandidate);
            row.addProperty("offline_estimate_active", offlineActive);
            row.addProperty("offline_verdict", offlineVerdict);
            row.addProperty("offline_predicted_ab", offlinePredicted());
            row.addProperty("regret", regret);
            return row;
        }
    }

    SimulationReport(String mode, long seed, RoutingMatrix matrix, Split split, Map<String, String> names) {
        this.mode = mode;
        this.seed = seed;
        this.evalPrompts = split.test().length;
        this.experts = matrix.expertCount();
        double[] trainMeans = Baselines.expertMeans(matrix, split.train());
        double[] evalMeans = Baselines.expertMeans(matrix, split.test());
        int best = Baselines.argmax(trainMeans);
        int hindsightBest = Baselines.argmax(evalMeans);
        this.bestSingleExpert = names.get(matrix.experts().get(best));
        this.bestSingle = evalMeans[best];
        this.hindsightExpert = names.get(matrix.experts().get(hindsightBest));
        this.hindsight = evalMeans[hindsightBest];
        this.oracle = Baselines.oracle(matrix, split.test());
        this.random = Baselines.uniformRandom(matrix, split.test());
    }

    void coldStart(double utility) {
        this.coldStart = utility;
    }

    void finalUtility(double utility) {
        this.finalUtility = utility;
    }

    void traffic(double seconds, SimulatedUsers.Outcome outcome) {
        this.trafficSeconds += seconds;
        this.turns += outcome.turns();
        this.regret += outcome.regret();
    }

    void seconds(double seconds) {
        this.seconds = seconds;
    }

    void add(Round round) {
        rounds.add(round);
    }

    int turns() {
        return turns;
    }

    /** The last round's posterior-mean evaluation utility: what the served policy learned; null in batch mode. */
    Double finalPosteriorMean() {
        return rounds.isEmpty() ? null : rounds.getLast().posteriorEvalUtility;
    }

    long falsePromotions() {
        return rounds.stream().filter(r -> r.promoted && r.candidateEvalUtility < r.activeEvalUtility).count();
    }

    String summary() {
        return String.format(Locale.ROOT, """
                evaluation utility (mean true label of the greedy choice on %d held-out prompts):
                  cold start %.4f   final %.4f%s
                  best single %.4f (%s, chosen on the training prompts)   in hindsight %.4f (%s)
                  random %.4f   oracle %.4f
                promotions %d, false promotions %d; regret %.1f over %d turns (%.4f per turn)
                %d turns in %.0f s of traffic (%.1f turns/s); %.0f s in all
                """, evalPrompts, coldStart, finalUtility,
                finalPosteriorMean() == null ? "" : String.format(Locale.ROOT, "   linear Thompson posterior means %.4f", finalPosteriorMean()),
                bestSingle, bestSingleExpert, hindsight, hindsightExpert, random,
                oracle, rounds.stream().filter(r -> r.promoted).count(), falsePromotions(), regret, turns,
                turns == 0 ? 0 : regret / turns, turns, trafficSeconds, turns / Math.max(trafficSeconds, 1e-9), seconds);
    }

    String json() {
        JsonObject json = new JsonObject();
        json.addProperty("mode", mode);
        json.addProperty("seed", seed);
        json.addProperty("experts", experts);
        json.addProperty("cold_start", coldStart);
        json.addProperty("final", finalUtility);
        json.addProperty("final_posterior_mean", finalPosteriorMean());
        json.add("best_single", expertUtility(bestSingleExpert, bestSingle));
        json.add("best_single_hindsight", expertUtility(hindsightExpert, hindsight));
        json.addProperty("oracle", oracle);
        json.addProperty("random", random);
        json.addProperty("eval_prompts", evalPrompts);
        json.addProperty("turns", turns);
        json.addProperty("turns_per_second", turns / Math.max(trafficSeconds, 1e-9));
        json.addProperty("seconds", seconds);
        JsonArray rows = new JsonArray();
        rounds.forEach(r -> rows.add(r.json()));
        json.add("rounds", rows);
        json.addProperty("false_promotions", falsePromotions());
        json.addProperty("regret", regret);
        return new GsonBuilder().serializeNulls().create().toJson(json);
    }

    private static JsonObject expertUtility(String expert, double utility) {
        JsonObject object = new JsonObject();
        object.addProperty("expert", expert);
        object.addProperty("utility", utility);
        return object;
    }

    /** Evaluation utility of the active controller per round (0 = cold start), candidates, and the three reference lines. */
    void writePlot(Path file) throws IOException {
        List<SvgChart.Point> active = new ArrayList<>(List.of(new SvgChart.Point(0, coldStart)));
        List<SvgChart.Point> candidates = new ArrayList<>();
        List<SvgChart.Point> posteriorMeans = new ArrayList<>(List.of(new SvgChart.Point(0, coldStart)));
        for (Round r : rounds) {
            active.add(new SvgChart.Point(r.round, r.activeAfter()));
            if (r.candidateEvalUtility != null) {
                candidates.add(new SvgChart.Point(r.round, r.candidateEvalUtility));
            }
            if (r.posteriorEvalUtility != null) {
                posteriorMeans.add(new SvgChart.Point(r.round, r.posteriorEvalUtility));
            }
        }
        int last = Math.max(1, rounds.size());
        List<SvgChart.Series> series = new ArrayList<>();
        series.add(new SvgChart.Series("active controller", active, false, true));
        if (!candidates.isEmpty()) {
            series.add(new SvgChart.Series("candidate", candidates, true, true));
        }
        if (posteriorMeans.size() > 1) {
            series.add(new SvgChart.Series("linear Thompson posterior means", posteriorMeans, false, true));
        }
        series.add(flat("oracle", oracle, last));
        series.add(flat("best single", bestSingle, last));
        series.add(flat("random", random, last));
        SvgChart.write(file, SvgChart.lineChart(String.format(Locale.ROOT, "Learning loop, %s mode, %d experts, seed %d",
                        mode, experts, seed), "round", "evaluation utility (mean true label)", 0, last, 0, 1, series));
    }

    private static SvgChart.Series flat(String name, double value, int last) {
        return new SvgChart.Series(name, List.of(new SvgChart.Point(0, value), new SvgChart.Point(last, value)), true, false);
    }

    private static Double number(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value == null || value.isJsonNull() ? null : value.getAsDouble();
    }

    private static String format(Double value, String pattern) {
        return value == null ? "-" : String.format(Locale.ROOT, pattern, value);
    }
}
