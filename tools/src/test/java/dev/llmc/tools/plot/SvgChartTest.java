package dev.llmc.tools.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgChartTest {

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every x/y coordinate attribute and every polyline point lies within the viewBox. */
    private static void assertInsideViewBox(Document doc) {
        Element root = doc.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals("0 0 " + SvgChart.WIDTH + " " + SvgChart.HEIGHT, root.getAttribute("viewBox"));
        NodeList all = doc.getElementsByTagName("*");
        int checked = 0;
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            for (String attribute : List.of("x", "x1", "x2", "cx")) {
                if (e.hasAttribute(attribute)) {
                    double v = Double.parseDouble(e.getAttribute(attribute));
                    assertTrue(v >= 0 && v <= SvgChart.WIDTH, e.getTagName() + " " + attribute + "=" + v);
                    checked++;
                }
            }
            for (String attribute : List.of("y", "y1", "y2", "cy")) {
                if (e.hasAttribute(attribute)) {
                    double v = Double.parseDouble(e.getAttribute(attribute));
                    assertTrue(v >= 0 && v <= SvgChart.HEIGHT, e.getTagName() + " " + attribute + "=" + v);
                    checked++;
                }
            }
            if (e.hasAttribute("points")) {
                for (String point : e.getAttribute("points").trim().split("\\s+")) {
                    String[] xy = point.split(",");
                    double x = Double.parseDouble(xy[0]);
                    double y = Double.parseDouble(xy[1]);
                    assertTrue(x >= 0 && x <= SvgChart.WIDTH && y >= 0 && y <= SvgChart.HEIGHT, point);
                    checked++;
                }
            }
        }
        assertTrue(checked > 10, "coordinates checked: " + checked);
    }

    @Test
    void lineChartIsWellFormedWithEveryPointInsideTheViewBox() throws Exception {
        List<SvgChart.Series> series = List.of(
                new SvgChart.Series("controller <a & b>", List.of(new SvgChart.Point(0, 0.6), new SvgChart.Point(0.5, 0.75),
                        new SvgChart.Point(1, 0.8)), false, true),
                // Outside the axis ranges and not finite: clamped or skipped, never drawn outside the plot.
                new SvgChart.Series("outlier", List.of(new SvgChart.Point(-3, 7), new SvgChart.Point(2, -1),
                        new SvgChart.Point(Double.NaN, 0.5)), true, true));
        Document doc = parse(SvgChart.lineChart("cost \"quality\"", "share", "mean label", 0, 1, 0.5, 0.9, series));

        assertInsideViewBox(doc);
        assertEquals(2, doc.getElementsByTagName("polyline").getLength());
        assertEquals(5, doc.getElementsByTagName("circle").getLength());
        assertTrue(doc.getDocumentElement().getTextContent().contains("controller <a & b>"));
    }

    @Test
    void barChartIsWellFormedWithEveryBarInsideTheViewBox() throws Exception {
        Document doc = parse(SvgChart.barChart("utility", "mean label", 1.0, List.of(
                new SvgChart.Bar("controller", 0.7, 0.02), new SvgChart.Bar("oracle", 0.9, 0),
                new SvgChart.Bar("too tall", 3.0, 0.5), new SvgChart.Bar("negative", -0.1, 0.05))));

        assertInsideViewBox(doc);
        NodeList rects = doc.getElementsByTagName("rect");
        // background, plot frame, four bars
        assertEquals(6, rects.getLength());
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            double y = Double.parseDouble(r.getAttribute("y"));
            double height = Double.parseDouble(r.getAttribute("height"));
            assertTrue(height >= 0 && y + height <= SvgChart.HEIGHT, "bar " + i);
        }
    }

    @Test
    void rejectsAnEmptyAxisRange() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SvgChart.lineChart("t", "x", "y", 1, 1, 0, 1, List.of()));
    }

    @Test
    void ticksAreRoundValuesWithinTheRange() {
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), SvgChart.ticks(0, 1));
        SvgChart.ticks(0.52, 0.87).forEach(t -> assertTrue(t >= 0.52 && t <= 0.87 + 1e-9, "tick " + t));
    }
}
