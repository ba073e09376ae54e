package dev.llmc.tools.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchStatisticsTest {

    @Test
    void nearestRankPercentilesAsHeyPercentilesComputedThem() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, BenchStatistics.nearestRank(sorted, 0.50));
        assertEquals(10, BenchStatistics.nearestRank(sorted, 0.99));
        assertEquals(1, BenchStatistics.nearestRank(sorted, 0.01));
        assertTrue(Double.isNaN(BenchStatistics.nearestRank(new double[0], 0.5)));
    }

    @Test
    void pacedResultCountsOnly200sAndTheRestAsErrors(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("hey.csv");
        Files.writeString(csv, """
                response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
                0.0010,0,0,0,0,0,200,0.1
                0.0020,0,0,0,0,0,200,0.2
                0.0030,0,0,0,0,0,503,0.3
                0.0040,0,0,0,0,0,200,0.4
                """);
        BenchStatistics.Paced paced = BenchStatistics.Paced.of(BenchStatistics.readHeyCsv(csv), 2);
        assertEquals(1.5, paced.rps(), 1e-9);
        assertEquals(2.0, paced.p50(), 1e-9);
        assertEquals(4.0, paced.p99(), 1e-9);
        assertEquals(1, paced.errors());
    }

    @Test
    void parsesWrksResultLine() {
        var result = BenchStatistics.Saturated.parse("Running 15s test\nRESULT requests=30000 seconds=15.001 errors=2 p50_us=850 p99_us=4200 max_us=9000\n", 15);
        assertEquals(2000, result.rps(), 1e-9);
        assertEquals(0.85, result.p50(), 1e-9);
        assertEquals(4.2, result.p99(), 1e-9);
        assertEquals(2, result.errors());
    }

    @Test
    void histogramBucketsAreSummedOverTagsAndQuantilesTakenBetweenSnapshots() {
        String before = """
                # TYPE llmc_gateway_overhead_seconds histogram
                llmc_gateway_overhead_seconds_bucket{route="a",le="0.001"} 10
                llmc_gateway_overhead_seconds_bucket{route="b",le="0.001"} 0
                llmc_gateway_overhead_seconds_bucket{route="a",le="0.002"} 10
                llmc_gateway_overhead_seconds_bucket{route="a",le="+Inf"} 10
                llmc_gateway_overhead_seconds_count{route="a"} 10
                llmc_gateway_overhead_seconds_other_bucket{le="0.001"} 99
                """;
        String after = """
                llmc_gateway_overhead_seconds_bucket{route="a",le="0.001"} 60
                llmc_gateway_overhead_seconds_bucket{route="b",le="0.001"} 40
                llmc_gateway_overhead_seconds_bucket{route="a",le="0.002"} 108
                llmc_gateway_overhead_seconds_bucket{route="b",le="0.002"} 0
                llmc_gateway_overhead_seconds_bucket{route="a",le="+Inf"} 110
                """;
        TreeMap<Double, Double> b = BenchStatistics.buckets(before, "llmc_gateway_overhead_seconds");
        TreeMap<Double, Double> a = BenchStatistics.buckets(after, "llmc_gateway_overhead_seconds");
        assertEquals(Map.of(0.001, 10.0, 0.002, 10.0, Double.POSITIVE_INFINITY, 10.0), b);
        // 100 new observations: 90 up to 1 ms, 8 more up to 2 ms, 2 beyond.
        assertArrayEquals(new double[] {1, 2, Double.POSITIVE_INFINITY},
                BenchStatistics.bucketQuantiles(b, a, 1000, 0.50, 0.98, 0.999), 1e-9);
        assertTrue(Double.isNaN(BenchStatistics.bucketQuantiles(a, a, 1000, 0.5)[0]));
    }

    @Test
    void signTestPValuesMatchTheBinomial() {
        // 8 of 8 positive: p = 2 / 256.
        assertEquals(2.0 / 256, BenchStatistics.signTestP(new double[] {1, 2, 3, 4, 5, 6, 7, 8}), 1e-12);
        // zeros are left out; 1 positive of 1: p = 1.
        assertEquals(1.0, BenchStatistics.signTestP(new double[] {0, 0, 3}), 1e-12);
        // 4 of 8 either way: p = 1 (capped).
        assertEquals(1.0, BenchStatistics.signTestP(new double[] {1, -1, 2, -2, 3, -3, 4, -4}), 1e-12);
        assertEquals(1 / 256.0 + 8 / 256.0, BenchStatistics.binomialCdf(1, 8), 1e-12);
    }

    @Test
    void confidenceIntervalOfTheMedianHasAtLeast95PercentCoverageWhenRoundsAllowIt() {
        // 8 rounds: k = 1 (the extremes), coverage 1 - 2/256 = 99.2%; k = 2 would give 93.0% < 95%.
        assertEquals(1, BenchStatistics.intervalRank(8));
        assertEquals(1 - 2.0 / 256, BenchStatistics.coverage(8), 1e-12);
        // 20 rounds: the 6th from either end (coverage 95.9%).
        assertEquals(6, BenchStatistics.intervalRank(20));
        assertTrue(BenchStatistics.coverage(20) >= 0.95);
        assertEquals("99.2% (round 1 from either end)", BenchStatistics.coverageText(8));
    }

    @Test
    void spreadReportsMedianRangeIntervalAndSignTest() {
        assertEquals("0.23 (-0.10 .. 0.90) [-0.10, 0.90], 6 of 8 > 0, p = 0.289",
                BenchStatistics.spread(new double[] {0.2, 0.3, -0.1, 0.9, 0.1, -0.05, 0.4, 0.25}));
        assertEquals(0.3, BenchStatistics.median(new double[] {0.1, 0.3, 0.5}), 1e-12);
    }

    @Test
    void procStatLinesWithSpacesInTheNameParse() {
        String stat = "4242 (C2 CompilerThre) S 1 4242 4242 0 -1 4194624 100 0 0 0 150 30 7 3 20 0 1 0 100 0 0";
        assertEquals("C2 CompilerThre", ProcCpu.name(stat));
        assertEquals(180, ProcCpu.ticks(stat, false));
        assertEquals(190, ProcCpu.ticks(stat, true));
    }
}
