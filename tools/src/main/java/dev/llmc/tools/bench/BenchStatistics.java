package dev.llmc.tools.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statistics of {@code bench gateway} and {@code bench events}: percentiles of load-generator results, quantiles of
 * Prometheus histograms between two snapshots, and the sign test with its distribution-free confidence interval of the
 * median over rounds.
 */
public final class BenchStatistics {
    private static final Pattern LE = Pattern.compile("le=\"([^\"]*)\"");

    private BenchStatistics() {
    }

    /** The nearest-rank percentile (the ⌈n·q⌉-th smallest, 1-based) of sorted values; NaN when there are none. */
    public static double nearestRank(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(sorted.length * q - 1e-9);
        return sorted[Math.max(1, Math.min(sorted.length, rank)) - 1];
    }

    /** One row of hey's CSV output: response time in ms and HTTP status. */
    public record HeyRow(double millis, int status) {
    }

    /** hey -o csv: a header line, then rows whose first column is the response time in seconds and 7th the status. */
    public static List<HeyRow> readHeyCsv(Path csv) {
        try {
            List<String> lines = Files.readAllLines(csv);
            List<HeyRow> rows = new ArrayList<>(Math.max(0, lines.size() - 1));
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] columns = line.split(",");
                if (columns.length >= 7) {
                    rows.add(new HeyRow(Double.parseDouble(columns[0]) * 1000, Integer.parseInt(columns[6].strip())));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A paced run's result: achieved requests/s (200s only), p50 and p99 ms of the 200s, and the other rows. */
    public record Paced(double rps, double p50, double p99, long errors) {
        static Paced of(List<HeyRow> rows, double seconds) {
            double[] ok = rows.stream().filter(r -> r.status() == 200).mapToDouble(HeyRow::millis).sorted().toArray();
            return new Paced(ok.length / seconds, nearestRank(ok, 0.50), nearestRank(ok, 0.99), rows.size() - ok.length);
        }
    }

    /** A closed-loop run's result from the RESULT line bench/chat.lua makes wrk print. */
    public record Saturated(double rps, double p50, double p99, long errors) {
        static Saturated parse(String wrkOutput, double seconds) {
            for (String line : wrkOutput.split("\n")) {
                if (line.startsWith("RESULT ")) {
                    Map<String, String> fields = new TreeMap<>();
                    for (String pair : line.substring(7).strip().split("\\s+")) {
                        int eq = pair.indexOf('=');
                        fields.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                    return new Saturated(Double.parseDouble(fields.get("requests")) / seconds,
                            Double.parseDouble(fields.get("p50_us")) / 1000, Double.parseDouble(fields.get("p99_us")) / 1000,
                            Long.parseLong(fields.get("errors")));
                }
            }
            throw new IllegalStateException("wrk printed no RESULT line: " + wrkOutput);
        }
    }

    /**
     * The cumulative bucket counts of histogram {@code metric} (e.g. llmc_gateway_overhead_seconds) in Prometheus text,
     * summed over tags, by upper bound (+Inf last).
     */
    public static TreeMap<Double, Double> buckets(String prometheusText, String metric) {
        TreeMap<Double, Double> counts = new TreeMap<>();
        String prefix = metric + "_bucket";
        for (String line : prometheusText.split("\n")) {
            if (!line.startsWith(prefix) || line.length() == prefix.length()
                    || (line.charAt(prefix.length()) != '{' && line.charAt(prefix.length()) != ' ')) {
                continue;
            }
            Matcher le = LE.matcher(line);
            if (!le.find()) {
                continue;
            }
            double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
            double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            counts.merge(bound, count, Double::sum);
        }
        return counts;
    }

    /**
     * Quantiles (scaled, e.g. by 1000 for ms) of the observations recorded between two bucket snapshots: the upper
     * bound of the bucket where the cumulative count first reaches q · total, so a slight overestimate. NaN without
     * observations.
     */
    public static double[] bucketQuantiles(Map<Double, Double> before, TreeMap<Double, Double> after, double scale,
            double... qs) {
        double[] result = new double[qs.length];
        Arrays.fill(result, Double.NaN);
        if (after.isEmpty()) {
            return result;
        }
        double total = after.lastEntry().getValue() - before.getOrDefault(after.lastKey(), 0.0);
        if (total <= 0) {
            return result;
        }
        for (int i = 0; i < qs.length; i++) {
            for (Map.Entry<Double, Double> bucket : after.entrySet()) {
                if (bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0) >= qs[i] * total) {
                    result[i] = bucket.getKey() * scale;
                    break;
                }
            }
        }
        return result;
    }

    /** P(X ≤ k) for X ~ Binomial(n, 1/2). */
    public static double binomialCdf(int k, int n) {
        double total = 0;
        double coefficient = 1;
        for (int i = 0; i <= k; i++) {
            total += coefficient;
            coefficient = coefficient * (n - i) / (i + 1);
        }
        return total / Math.pow(2, n);
    }

    /**
     * The rank k of the sign test's confidence interval of the median over n rounds: the interval runs from the k-th
     * smallest to the k-th largest value, k the largest with coverage ≥ 95% (1 when there are too few rounds for 95%).
     */
    public static int intervalRank(int n) {
        int k = 1;
        while (k + 1 <= n / 2.0 && 1 - 2 * binomialCdf(k, n) >= 0.95) {
            k++;
        }
        return k;
    }

    /** Coverage of that interval: 1 − 2 P(X ≤ k − 1). */
    public static double coverage(int n) {
        return 1 - 2 * binomialCdf(intervalRank(n) - 1, n);
    }

    /** Two-sided sign test of median 0: zero differences left out; 1 when there is nothing to test. */
    public static double signTestP(double[] differences) {
        int positive = 0;
        int negative = 0;
        for (double d : differences) {
            if (d > 0) {
                positive++;
            } else if (d < 0) {
                negative++;
            }
        }
        return Math.min(1, 2 * binomialCdf(Math.min(positive, negative), positive + negative));
    }

    /** The median (mean of the middle two for an even count). */
    public static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * "median (min .. max) [lo, hi], N of M > 0, p = P": the median over rounds with its sign-test confidence interval,
     * how many rounds were positive, and the sign test's p-value.
     */
    public static String spread(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        int k = intervalRank(n);
        long positive = Arrays.stream(sorted).filter(v -> v > 0).count();
        return String.format(Locale.ROOT, "%.2f (%.2f .. %.2f) [%.2f, %.2f], %d of %d > 0, p = %.3f", median(sorted),
                sorted[0], sorted[n - 1], sorted[Math.min(k, n) - 1], sorted[Math.max(n - k, 0)], positive, n,
                signTestP(values));
    }

    /** "95.3% (round 2 from either end)". */
    public static String coverageText(int n) {
        return String.format(Locale.ROOT, "%.1f%% (round %d from either end)", 100 * coverage(n), intervalRank(n));
    }
}
