package dev.llmc.tools.bench;

import dev.llmc.tools.plot.SvgChart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pictures of {@code bench gateway}'s paced runs: per scenario, latency (ms) against percentile, the client's view
 * straight to the fake node beside the same load through the gateway, so the gap between the curves is what the
 * gateway adds at every percentile, the tail included.
 */
final class LatencyPlots {
    // Percentiles drawn: every 5 up to 95, then the tail more finely.
    private static final double[] PERCENTILES = {0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95,
            96, 97, 98, 99, 99.5, 99.9};

    private LatencyPlots() {
    }

    /** Writes {@code pinned-latency.svg} and {@code auto-latency.svg} into {@code out} from the runs' hey CSVs. */
    static List<Path> write(Path runs, Path out) throws IOException {
        Files.createDirectories(out);
        List<Path> written = new ArrayList<>();
        written.add(plot(out.resolve("pinned-latency.svg"), "bench gateway: pinned expert, paced",
                series("straight to the fake node", runs.resolve("direct.csv"), true),
                series("through the gateway", runs.resolve("pinned.csv"), false)));
        written.add(plot(out.resolve("auto-latency.svg"), "bench gateway: routed by the in-process encoder, paced",
                series("straight to the fake node", runs.resolve("direct-auto.csv"), true),
                series("through the gateway", runs.resolve("auto.csv"), false)));
        return written;
    }

    private static SvgChart.Series series(String name, Path csv, boolean dashed) {
        double[] sorted = BenchStatistics.readHeyCsv(csv).stream().filter(row -> row.status() == 200)
                .mapToDouble(BenchStatistics.HeyRow::millis).sorted().toArray();
        List<SvgChart.Point> points = new ArrayList<>();
        for (double p : PERCENTILES) {
            points.add(new SvgChart.Point(p, p == 0 ? (sorted.length == 0 ? Double.NaN : sorted[0]) : BenchStatistics.nearestRank(sorted, p / 100)));
        }
        return new SvgChart.Series(name + " (" + sorted.length + " requests)", points, dashed, true);
    }

    private static Path plot(Path file, String title, SvgChart.Series... series) throws IOException {
        double max = 0;
        for (SvgChart.Series s : series) {
            for (SvgChart.Point p : s.points()) {
                if (Double.isFinite(p.y())) {
                    max = Math.max(max, p.y());
                }
            }
        }
        SvgChart.write(file, SvgChart.lineChart(title, "percentile of requests", "latency (ms)", 0, 100, 0,
                max <= 0 ? 1 : max * 1.05, List.of(series)));
        return file;
    }
}
