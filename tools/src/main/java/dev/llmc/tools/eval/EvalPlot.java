package dev.llmc.tools.eval;

import dev.llmc.model.matrix.RoutingMatrix;

import dev.llmc.tools.plot.SvgChart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The figure of {@code llmc-tools eval --plot FILE.svg}. With two experts and costs: RouteLLM's cost–quality curve
 * (share of calls to the expensive expert against mean label on the test prompts), the controller's and kNN's curves
 * averaged point by point over seeds (each seed's curve has the same {@value RouteLlmMetrics#BINS}+1 quantile
 * thresholds), and the random-routing line from always-weak to always-strong. Otherwise: bars of routed utility
 * (controller, kNN) against best single expert, oracle and uniform random, mean ± standard deviation over seeds.
 */
final class EvalPlot {

    private EvalPlot() {
    }

    /** Draws the figure for the seeds' results into file. */
    static void write(Path file, RoutingMatrix m, List<EvalCommand.SeedResult> results, EvalArguments a, int strong,
            int weak) {
        String title = String.format("%s: %d seeds, %s feedback, %d test prompts", dataName(a), results.size(),
                a.feedback().name().toLowerCase(), results.getFirst().testPrompts());
        String svg = strong >= 0 ? costQuality(title, m, results, strong, weak) : utilityBars(title, results);
        try {
            SvgChart.write(file, svg);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    static String costQuality(String title, RoutingMatrix m, List<EvalCommand.SeedResult> results, int strong, int weak) {
        double qStrong = EvalCommand.mean(results, EvalCommand.SeedResult::strongQuality);
        double qWeak = EvalCommand.mean(results, EvalCommand.SeedResult::weakQuality);
        List<SvgChart.Point> controller = meanCurve(results, EvalCommand.SeedResult::controllerCurve);
        List<SvgChart.Point> knn = meanCurve(results, EvalCommand.SeedResult::knnCurve);
        double apgr = EvalCommand.mean(results, EvalCommand.SeedResult::apgr);
        double knnApgr = EvalCommand.mean(results, EvalCommand.SeedResult::knnApgr);
        double low = Math.min(qWeak, min(controller, knn));
        double high = Math.max(qStrong, max(controller, knn));
        double pad = Math.max(0.01, (high - low) * 0.08);
        List<SvgChart.Series> series = List.of(
                new SvgChart.Series(String.format("controller (APGR %.3f)", apgr), controller, false, true),
                new SvgChart.Series(String.format("kNN k=%d (APGR %.3f)", EvalCommand.KNN_K, knnApgr), knn, false, true),
                new SvgChart.Series("random routing", List.of(new SvgChart.Point(0, qWeak), new SvgChart.Point(1, qStrong)),
                        true, false),
                new SvgChart.Series("always " + shortName(m.experts().get(strong)),
                        List.of(new SvgChart.Point(0, qStrong), new SvgChart.Point(1, qStrong)), true, false),
                new SvgChart.Series("always " + shortName(m.experts().get(weak)),
                        List.of(new SvgChart.Point(0, qWeak), new SvgChart.Point(1, qWeak)), true, false));
        return SvgChart.lineChart(title, "share of calls to " + shortName(m.experts().get(strong)),
                "mean " + m.labelName() + " on test prompts", 0, 1, low - pad, high + pad, series);
    }

    static String utilityBars(String title, List<EvalCommand.SeedResult> results) {
        List<SvgChart.Bar> bars = List.of(
                bar("controller", results, EvalCommand.SeedResult::controller),
                bar("kNN", results, EvalCommand.SeedResult::knn),
                bar("best single", results, EvalCommand.SeedResult::bestSingle),
                bar("oracle", results, EvalCommand.SeedResult::oracle),
                bar("random", results, EvalCommand.SeedResult::random));
        double top = bars.stream().mapToDouble(b -> b.value() + b.error()).max().orElse(1);
        return SvgChart.barChart(title, "routed utility (mean label)", top <= 0 ? 1 : top * 1.15, bars);
    }

    /** Point j of the mean curve is the mean over seeds of each seed's point j. */
    static List<SvgChart.Point> meanCurve(List<EvalCommand.SeedResult> results,
            java.util.function.Function<EvalCommand.SeedResult, List<RouteLlmMetrics.Point>> curve) {
        int points = curve.apply(results.getFirst()).size();
        List<SvgChart.Point> mean = new ArrayList<>();
        for (int j = 0; j < points; j++) {
            double x = 0;
            double y = 0;
            for (EvalCommand.SeedResult r : results) {
                RouteLlmMetrics.Point p = curve.apply(r).get(j);
                x += p.strongShare();
                y += p.quality();
            }
            mean.add(new SvgChart.Point(x / results.size(), y / results.size()));
        }
        return mean;
    }

    private static SvgChart.Bar bar(String name, List<EvalCommand.SeedResult> results,
            ToDoubleFunction<EvalCommand.SeedResult> metric) {
        return new SvgChart.Bar(name, EvalCommand.mean(results, metric), EvalCommand.std(results, metric));
    }

    private static double min(List<SvgChart.Point> a, List<SvgChart.Point> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).mapToDouble(SvgChart.Point::y).min().orElse(0);
    }

    private static double max(List<SvgChart.Point> a, List<SvgChart.Point> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).mapToDouble(SvgChart.Point::y).max().orElse(1);
    }

    private static String shortName(String expert) {
        int slash = expert.lastIndexOf('/');
        return slash >= 0 ? expert.substring(slash + 1) : expert;
    }

    private static String dataName(EvalArguments a) {
        Path name = a.trainData().toAbsolutePath().normalize().getFileName();
        return name == null ? "eval" : name.toString();
    }
}
