package dev.llmc.tools.plot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG chart writer for the tools' figures: line charts (series of points, e.g. a cost–quality curve) and
 * bar charts (one labelled value per bar), with axes, ticks, a title and a legend. Plain string building, so the
 * tools need no plotting library; every coordinate is clamped into the plot area, so nothing falls outside the
 * {@code viewBox}.
 */
public final class SvgChart {

    /** Width and height of the viewBox. */
    public static final int WIDTH = 860;
    public static final int HEIGHT = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 280;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#7f7f7f"};

    /** A point of a line series. */
    public record Point(double x, double y) {
    }

    /** A named line series; dashed for reference lines (baselines), solid for measured curves. */
    public record Series(String name, List<Point> points, boolean dashed, boolean markers) {
        public Series {
            points = List.copyOf(points);
        }
    }

    /** A named bar with its value and optional error (standard deviation; 0 for none). */
    public record Bar(String name, double value, double error) {
    }

    private SvgChart() {
    }

    /** A line chart of the series over fixed axis ranges (values outside are clamped to the plot area). */
    public static String lineChart(String title, String xLabel, String yLabel, double xMin, double xMax, double yMin,
            double yMax, List<Series> series) {
        Frame f = new Frame(xMin, xMax, yMin, yMax);
        StringBuilder svg = header(title);
        axes(svg, f, xLabel, yLabel, true);
        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            String colour = COLOURS[s % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (Point p : line.points()) {
                if (!Double.isFinite(p.x()) || !Double.isFinite(p.y())) {
                    continue;
                }
                points.append(num(f.px(p.x()))).append(',').append(num(f.py(p.y()))).append(' ');
            }
            svg.append("  <polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"")
                    .append(line.dashed() ? " stroke-dasharray=\"6,4\"" : "")
                    .append(" points=\"").append(points.toString().strip()).append("\"/>\n");
            if (line.markers()) {
                for (Point p : line.points()) {
                    if (Double.isFinite(p.x()) && Double.isFinite(p.y())) {
                        svg.append("  <circle cx=\"").append(num(f.px(p.x()))).append("\" cy=\"").append(num(f.py(p.y())))
                                .append("\" r=\"3\" fill=\"").append(colour).append("\"/>\n");
                    }
                }
            }
            legend(svg, s, line.name(), colour, line.dashed());
        }
        return svg.append("</svg>\n").toString();
    }

    /** A bar chart from 0 (or the smallest value, if negative) to yMax, error bars where given. */
    public static String barChart(String title, String yLabel, double yMax, List<Bar> bars) {
        double yMin = Math.min(0, bars.stream().mapToDouble(b -> b.value() - b.error()).min().orElse(0));
        Frame f = new Frame(0, bars.size(), yMin, yMax);
        StringBuilder svg = header(title);
        axes(svg, f, "", yLabel, false);
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            String colour = COLOURS[i % COLOURS.length];
            double x0 = f.px(i + 0.15);
            double x1 = f.px(i + 0.85);
            double top = f.py(Math.max(bar.value(), 0));
            double bottom = f.py(Math.min(bar.value(), 0));
            svg.append("  <rect x=\"").append(num(x0)).append("\" y=\"").append(num(top)).append("\" width=\"")
                    .append(num(x1 - x0)).append("\" height=\"").append(num(bottom - top)).append("\" fill=\"")
                    .append(colour).append("\"/>\n");
            if (bar.error() > 0) {
                double cx = (x0 + x1) / 2;
                svg.append("  <line x1=\"").append(num(cx)).append("\" x2=\"").append(num(cx)).append("\" y1=\"")
                        .append(num(f.py(bar.value() + bar.error()))).append("\" y2=\"")
                        .append(num(f.py(bar.value() - bar.error()))).append("\" stroke=\"black\"/>\n");
            }
            text(svg, (x0 + x1) / 2, f.py(bar.value() >= 0 ? bar.value() : 0) - 6, "middle", 12,
                    String.format(Locale.ROOT, "%.3f", bar.value()));
            text(svg, (x0 + x1) / 2, HEIGHT - BOTTOM + 18, "middle", 12, bar.name());
        }
        return svg.append("</svg>\n").toString();
    }

    /** Writes the SVG to a file, creating its directory. */
    public static void write(Path file, String svg) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, svg, StandardCharsets.UTF_8);
    }

    /** Escapes text for XML character data and attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c >= 0x20 || c == '\t' || c == '\n') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** Maps data coordinates into the plot area, clamped to it. */
    private record Frame(double xMin, double xMax, double yMin, double yMax) {
        Frame {
            if (!(xMax > xMin) || !(yMax > yMin)) {
                throw new IllegalArgumentException("empty axis range: x " + xMin + ".." + xMax + ", y " + yMin + ".." + yMax);
            }
        }

        double px(double x) {
            double t = clamp((x - xMin) / (xMax - xMin));
            return LEFT + t * (WIDTH - LEFT - RIGHT);
        }

        double py(double y) {
            double t = clamp((y - yMin) / (yMax - yMin));
            return HEIGHT - BOTTOM - t * (HEIGHT - TOP - BOTTOM);
        }

        private static double clamp(double t) {
            return Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t));
        }
    }

    private static StringBuilder header(String title) {
        StringBuilder svg = new StringBuilder();
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" font-family=\"sans-serif\">\n");
        svg.append("  <rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" fill=\"white\"/>\n");
        text(svg, (LEFT + WIDTH - RIGHT) / 2.0, TOP - 20, "middle", 15, title);
        return svg;
    }

    private static void axes(StringBuilder svg, Frame f, String xLabel, String yLabel, boolean xTicks) {
        double x0 = LEFT;
        double x1 = WIDTH - RIGHT;
        double y0 = HEIGHT - BOTTOM;
        double y1 = TOP;
        svg.append("  <rect x=\"").append(num(x0)).append("\" y=\"").append(num(y1)).append("\" width=\"")
                .append(num(x1 - x0)).append("\" height=\"").append(num(y0 - y1))
                .append("\" fill=\"none\" stroke=\"#333\"/>\n");
        for (double v : ticks(f.yMin(), f.yMax())) {
            double y = f.py(v);
            svg.append("  <line x1=\"").append(num(x0)).append("\" x2=\"").append(num(x1)).append("\" y1=\"").append(num(y))
                    .append("\" y2=\"").append(num(y)).append("\" stroke=\"#ddd\"/>\n");
            text(svg, x0 - 6, y + 4, "end", 11, tickLabel(v));
        }
        if (xTicks) {
            for (double v : ticks(f.xMin(), f.xMax())) {
                double x = f.px(v);
                svg.append("  <line x1=\"").append(num(x)).append("\" x2=\"").append(num(x)).append("\" y1=\"").append(num(y0))
                        .append("\" y2=\"").append(num(y1)).append("\" stroke=\"#ddd\"/>\n");
                text(svg, x, y0 + 16, "middle", 11, tickLabel(v));
            }
        }
        text(svg, (x0 + x1) / 2, HEIGHT - 15, "middle", 13, xLabel);
        svg.append("  <text x=\"18\" y=\"").append(num((y0 + y1) / 2)).append("\" font-size=\"13\" text-anchor=\"middle\"")
                .append(" transform=\"rotate(-90 18 ").append(num((y0 + y1) / 2)).append(")\">").append(escape(yLabel))
                .append("</text>\n");
    }

    private static void legend(StringBuilder svg, int index, String name, String colour, boolean dashed) {
        double x = WIDTH - RIGHT + 15;
        double y = TOP + 10 + index * 22;
        svg.append("  <line x1=\"").append(num(x)).append("\" x2=\"").append(num(x + 24)).append("\" y1=\"").append(num(y))
                .append("\" y2=\"").append(num(y)).append("\" stroke=\"").append(colour).append("\" stroke-width=\"2\"")
                .append(dashed ? " stroke-dasharray=\"6,4\"" : "").append("/>\n");
        text(svg, x + 30, y + 4, "start", 11, name);
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, int size, String content) {
        svg.append("  <text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" font-size=\"").append(size)
                .append("\" text-anchor=\"").append(anchor).append("\">").append(escape(content)).append("</text>\n");
    }

    /** About five round tick values within [min, max]. */
    static List<Double> ticks(double min, double max) {
        double raw = (max - min) / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= raw) {
                step = m * magnitude;
                break;
            }
        }
        List<Double> ticks = new ArrayList<>();
        for (long k = (long) Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) {
            ticks.add(Math.round(k * step * 1e9) / 1e9);
        }
        return ticks;
    }

    private static String tickLabel(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
