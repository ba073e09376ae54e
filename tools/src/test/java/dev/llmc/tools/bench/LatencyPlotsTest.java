package dev.llmc.tools.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyPlotsTest {
    @TempDir
    Path dir;

    /** hey's CSV: response time in seconds first, the status seventh. */
    private void heyCsv(String name, double... seconds) throws IOException {
        StringBuilder csv = new StringBuilder("response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n");
        for (double s : seconds) {
            csv.append(s).append(",0,0,0,0,0,200,0\n");
        }
        csv.append("0.5,0,0,0,0,0,502,0\n");
        Files.writeString(dir.resolve(name), csv);
    }

    @Test
    void drawsOneChartPerScenarioWithTheGatewayAboveTheDirectCurve() throws Exception {
        heyCsv("direct.csv", 0.0005, 0.0006, 0.0007, 0.0008);
        heyCsv("pinned.csv", 0.0010, 0.0011, 0.0012, 0.0040);
        heyCsv("direct-auto.csv", 0.0005, 0.0006);
        heyCsv("auto.csv", 0.009, 0.012);

        List<Path> plots = LatencyPlots.write(dir, dir.resolve("plots"));

        assertEquals(List.of(dir.resolve("plots/pinned-latency.svg"), dir.resolve("plots/auto-latency.svg")), plots);
        for (Path plot : plots) {
            // Well-formed XML with the two curves and their request counts (the 502 row is not a latency).
            var svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(plot.toFile());
            assertEquals(2, svg.getElementsByTagName("polyline").getLength());
        }
        String pinned = Files.readString(plots.getFirst());
        assertTrue(pinned.contains("straight to the fake node (4 requests)"), pinned);
        assertTrue(pinned.contains("through the gateway (4 requests)"), pinned);
    }
}
