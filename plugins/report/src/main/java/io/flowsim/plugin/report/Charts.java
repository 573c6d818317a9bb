package io.flowsim.plugin.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import static io.flowsim.plugin.report.Html.escape;
import static io.flowsim.plugin.report.Html.px;

/**
 * The report's charts, drawn as inline SVG. Every data mark has the class {@code mark}, a
 * {@code data-key} naming what it shows and a {@code data-tip} that the page's script shows on
 * hover, so tests (and users) can count and inspect marks. Stateless.
 */
final class Charts {

    static final int WIDTH = 900;

    private Charts() {
    }

    /** One segment of a stacked bar. */
    record Segment(String key, String label, double value, String color, String tip) {
        Segment {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(color, "color");
            Objects.requireNonNull(tip, "tip");
        }
    }

    /** One bar: a label and its segments, drawn left to right. */
    record Bar(String label, List<Segment> segments) {
        Bar {
            Objects.requireNonNull(label, "label");
            segments = List.copyOf(segments);
        }

        double total() {
            return segments.stream().mapToDouble(Segment::value).sum();
        }
    }

    /** A point of a scatter chart, in data units (both positive for log axes). */
    record Point(String key, double x, double y, double radius, String color, String tip) {
    }

    /** The five-number summary of one row of a box chart, in data units. */
    record Box(String key, String label, double p10, double p25, double p50, double p75, double p90, String color,
               String note, String tip) {
    }

    /** A straight line in data units, for roofs and reference lines. */
    record Line(double x1, double y1, double x2, double y2, String cssClass, String label) {
    }

    /** Horizontal stacked bars on a linear axis of nanoseconds, labelled in microseconds. */
    static String stackedBars(String id, String title, List<Bar> bars) {
        int left = 190;
        int right = 20;
        int barHeight = 22;
        int gap = 10;
        int top = 10;
        int axis = 30;
        int height = top + bars.size() * (barHeight + gap) + axis;
        double max = bars.stream().mapToDouble(Bar::total).max().orElse(0);
        LinearScale x = new LinearScale(0, max <= 0 ? 1 : max, left, WIDTH - right);
        StringBuilder s = open(id, title, height);
        linearAxis(s, x, top + bars.size() * (barHeight + gap), top, "time (us)", 1e-3);
        int y = top;
        for (Bar bar : bars) {
            s.append("<text class=\"label\" x=\"").append(left - 6).append("\" y=\"").append(y + barHeight / 2 + 4)
                    .append("\" text-anchor=\"end\">").append(escape(shorten(bar.label(), 28))).append("</text>");
            double at = 0;
            for (Segment seg : bar.segments()) {
                if (seg.value() <= 0) {
                    continue;
                }
                double x0 = x.at(at);
                double x1 = x.at(at + seg.value());
                s.append("<rect class=\"mark\" data-row=\"").append(escape(bar.label())).append("\" data-key=\"")
                        .append(escape(seg.key())).append("\" data-tip=\"").append(escape(seg.tip()))
                        .append("\" x=\"").append(px(x0)).append("\" y=\"").append(y)
                        .append("\" width=\"").append(px(Math.max(x1 - x0, 0.5))).append("\" height=\"")
                        .append(barHeight).append("\" fill=\"").append(seg.color()).append("\"/>");
                at += seg.value();
            }
            y += barHeight + gap;
        }
        return s.append("</svg>").toString();
    }

    /** A log-log scatter with optional reference lines. */
    static String logScatter(String id, String title, List<Point> points, List<Line> lines, String xLabel,
                             String yLabel, double[] xDomain, double[] yDomain) {
        int left = 70;
        int right = 20;
        int top = 10;
        int bottom = 45;
        int height = 460;
        LogScale x = new LogScale(xDomain[0], xDomain[1], left, WIDTH - right);
        LogScale y = new LogScale(yDomain[0], yDomain[1], height - bottom, top);
        StringBuilder s = open(id, title, height);
        logGrid(s, x, y, left, WIDTH - right, top, height - bottom);
        s.append("<defs><clipPath id=\"").append(id).append("-clip\"><rect x=\"").append(left).append("\" y=\"")
                .append(top).append("\" width=\"").append(WIDTH - right - left).append("\" height=\"")
                .append(height - bottom - top).append("\"/></clipPath></defs>");
        s.append("<g clip-path=\"url(#").append(id).append("-clip)\">");
        for (Line l : lines) {
            s.append("<line class=\"").append(l.cssClass()).append("\" x1=\"").append(px(x.at(l.x1()))).append("\" y1=\"")
                    .append(px(y.at(l.y1()))).append("\" x2=\"").append(px(x.at(l.x2()))).append("\" y2=\"")
                    .append(px(y.at(l.y2()))).append("\"><title>").append(escape(l.label())).append("</title></line>");
        }
        for (Point p : points) {
            s.append("<circle class=\"mark\" data-key=\"").append(escape(p.key())).append("\" data-tip=\"")
                    .append(escape(p.tip())).append("\" cx=\"").append(px(x.at(p.x()))).append("\" cy=\"")
                    .append(px(y.at(p.y()))).append("\" r=\"").append(px(p.radius())).append("\" fill=\"")
                    .append(p.color()).append("\"/>");
        }
        s.append("</g>");
        for (Line l : lines) {
            if (!l.label().isEmpty()) {
                s.append("<text class=\"line-label\" x=\"").append(px(Math.min(x.at(l.x2()), WIDTH - right) - 4))
                        .append("\" y=\"").append(px(Math.max(y.at(l.y2()), top) + 12)).append("\" text-anchor=\"end\">")
                        .append(escape(l.label())).append("</text>");
            }
        }
        s.append("<text class=\"axis-title\" x=\"").append((left + WIDTH - right) / 2).append("\" y=\"")
                .append(height - 6).append("\" text-anchor=\"middle\">").append(escape(xLabel)).append("</text>");
        s.append("<text class=\"axis-title\" transform=\"translate(14,").append((top + height - bottom) / 2)
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(escape(yLabel)).append("</text>");
        return s.append("</svg>").toString();
    }

    /** Horizontal box plots on a log axis (p10 and p90 whiskers, p25..p75 box, median). */
    static String logBoxes(String id, String title, List<Box> boxes, double[] domain, String xLabel,
                           double reference) {
        int left = 120;
        int right = 230;
        int rowHeight = 30;
        int top = 10;
        int axis = 40;
        int height = top + boxes.size() * rowHeight + axis;
        LogScale x = new LogScale(domain[0], domain[1], left, WIDTH - right);
        StringBuilder s = open(id, title, height);
        int bottom = top + boxes.size() * rowHeight;
        for (double tick : x.ticks()) {
            s.append("<line class=\"grid\" x1=\"").append(px(x.at(tick))).append("\" x2=\"").append(px(x.at(tick)))
                    .append("\" y1=\"").append(top).append("\" y2=\"").append(bottom).append("\"/>");
            s.append("<text class=\"tick\" x=\"").append(px(x.at(tick))).append("\" y=\"").append(bottom + 14)
                    .append("\" text-anchor=\"middle\">").append(tickLabel(tick)).append("</text>");
        }
        s.append("<line class=\"ref\" x1=\"").append(px(x.at(reference))).append("\" x2=\"").append(px(x.at(reference)))
                .append("\" y1=\"").append(top).append("\" y2=\"").append(bottom).append("\"/>");
        int y = top;
        for (Box b : boxes) {
            double mid = y + rowHeight / 2.0;
            s.append("<text class=\"label\" x=\"").append(left - 6).append("\" y=\"").append(px(mid + 4))
                    .append("\" text-anchor=\"end\">").append(escape(b.label())).append("</text>");
            s.append("<g class=\"mark\" data-key=\"").append(escape(b.key())).append("\" data-tip=\"")
                    .append(escape(b.tip())).append("\">");
            s.append("<line class=\"whisker\" x1=\"").append(px(x.at(b.p10()))).append("\" x2=\"")
                    .append(px(x.at(b.p90()))).append("\" y1=\"").append(px(mid)).append("\" y2=\"").append(px(mid))
                    .append("\"/>");
            double x25 = x.at(b.p25());
            double x75 = x.at(b.p75());
            s.append("<rect x=\"").append(px(x25)).append("\" y=\"").append(px(mid - 8)).append("\" width=\"")
                    .append(px(Math.max(x75 - x25, 1.5))).append("\" height=\"16\" fill=\"").append(b.color())
                    .append("\" stroke=\"#333\" stroke-width=\"0.6\"/>");
            s.append("<line class=\"median\" x1=\"").append(px(x.at(b.p50()))).append("\" x2=\"")
                    .append(px(x.at(b.p50()))).append("\" y1=\"").append(px(mid - 9)).append("\" y2=\"")
                    .append(px(mid + 9)).append("\"/>");
            s.append("</g>");
            s.append("<text class=\"note\" x=\"").append(WIDTH - right + 8).append("\" y=\"").append(px(mid + 4))
                    .append("\">").append(escape(b.note())).append("</text>");
            y += rowHeight;
        }
        s.append("<text class=\"axis-title\" x=\"").append((left + WIDTH - right) / 2).append("\" y=\"")
                .append(height - 6).append("\" text-anchor=\"middle\">").append(escape(xLabel)).append("</text>");
        return s.append("</svg>").toString();
    }

    /** A legend of colours, as HTML. */
    static String legend(Map<String, String> colorByLabel) {
        StringBuilder s = new StringBuilder("<div class=\"legend\">");
        colorByLabel.forEach((label, color) -> s.append("<span><i style=\"background:").append(color)
                .append("\"></i>").append(escape(label)).append("</span>"));
        return s.append("</div>").toString();
    }

    /** A legend from bars: every segment key once, in order of appearance. */
    static String legendOf(List<Bar> bars) {
        Map<String, String> colors = new LinkedHashMap<>();
        for (Bar b : bars) {
            for (Segment seg : b.segments()) {
                if (seg.value() > 0) {
                    colors.putIfAbsent(seg.label(), seg.color());
                }
            }
        }
        return legend(colors);
    }

    /** Decade bounds around {@code [min, max]} (both positive), at least one decade wide. */
    static double[] decades(double min, double max) {
        double lo = Math.pow(10, Math.floor(Math.log10(min)));
        double hi = Math.pow(10, Math.ceil(Math.log10(max)));
        if (hi <= lo) {
            hi = lo * 10;
        }
        return new double[] {lo, hi};
    }

    private static StringBuilder open(String id, String title, int height) {
        StringBuilder s = new StringBuilder(4096);
        s.append("<svg id=\"").append(id).append("\" class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(WIDTH)
                .append(' ').append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\"><title>").append(escape(title)).append("</title>");
        return s;
    }

    private static void linearAxis(StringBuilder s, LinearScale x, int y, int top, String label, double unit) {
        s.append("<line class=\"axis\" x1=\"").append(px(x.pixelStart)).append("\" x2=\"").append(px(x.pixelEnd))
                .append("\" y1=\"").append(y).append("\" y2=\"").append(y).append("\"/>");
        for (double tick : x.ticks()) {
            s.append("<line class=\"grid\" x1=\"").append(px(x.at(tick))).append("\" x2=\"").append(px(x.at(tick)))
                    .append("\" y1=\"").append(top).append("\" y2=\"").append(y).append("\"/>");
            s.append("<text class=\"tick\" x=\"").append(px(x.at(tick))).append("\" y=\"").append(y + 14)
                    .append("\" text-anchor=\"middle\">").append(String.format(Locale.ROOT, "%,.0f", tick * unit))
                    .append("</text>");
        }
        s.append("<text class=\"axis-title\" x=\"").append(px(x.pixelEnd)).append("\" y=\"").append(y + 28)
                .append("\" text-anchor=\"end\">").append(escape(label)).append("</text>");
    }

    private static void logGrid(StringBuilder s, LogScale x, LogScale y, int left, int right, int top, int bottom) {
        for (double tick : x.ticks()) {
            s.append("<line class=\"grid\" x1=\"").append(px(x.at(tick))).append("\" x2=\"").append(px(x.at(tick)))
                    .append("\" y1=\"").append(top).append("\" y2=\"").append(bottom).append("\"/>");
            s.append("<text class=\"tick\" x=\"").append(px(x.at(tick))).append("\" y=\"").append(bottom + 14)
                    .append("\" text-anchor=\"middle\">").append(tickLabel(tick)).append("</text>");
        }
        for (double tick : y.ticks()) {
            s.append("<line class=\"grid\" x1=\"").append(left).append("\" x2=\"").append(right).append("\" y1=\"")
                    .append(px(y.at(tick))).append("\" y2=\"").append(px(y.at(tick))).append("\"/>");
            s.append("<text class=\"tick\" x=\"").append(left - 6).append("\" y=\"").append(px(y.at(tick) + 4))
                    .append("\" text-anchor=\"end\">").append(tickLabel(tick)).append("</text>");
        }
        s.append("<rect class=\"frame\" x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"")
                .append(right - left).append("\" height=\"").append(bottom - top).append("\"/>");
    }

    static String tickLabel(double v) {
        if (v >= 1 && v < 1e6) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 0.001 && v < 1) {
            return Html.num(v, 3);
        }
        return String.format(Locale.ROOT, "1e%d", Math.round(Math.log10(v)));
    }

    private static String shorten(String s, int max) {
        return Html.shorten(s, max);
    }

    /** A linear scale from data to pixels. */
    static final class LinearScale {
        final double min;
        final double max;
        final double pixelStart;
        final double pixelEnd;

        LinearScale(double min, double max, double pixelStart, double pixelEnd) {
            this.min = min;
            this.max = max;
            this.pixelStart = pixelStart;
            this.pixelEnd = pixelEnd;
        }

        double at(double v) {
            return pixelStart + (v - min) / (max - min) * (pixelEnd - pixelStart);
        }

        /** About six round ticks. */
        List<Double> ticks() {
            double span = max - min;
            double step = Math.pow(10, Math.floor(Math.log10(span / 6)));
            for (double m : new double[] {1, 2, 5, 10}) {
                if (span / (step * m) <= 7) {
                    step *= m;
                    break;
                }
            }
            List<Double> ticks = new ArrayList<>();
            for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
                ticks.add(t);
            }
            return ticks;
        }
    }

    /** A base-10 logarithmic scale from data to pixels. */
    static final class LogScale {
        final double min;
        final double max;
        final double pixelStart;
        final double pixelEnd;

        LogScale(double min, double max, double pixelStart, double pixelEnd) {
            this.min = min;
            this.max = max;
            this.pixelStart = pixelStart;
            this.pixelEnd = pixelEnd;
        }

        double at(double v) {
            double clamped = Math.max(v, min * 1e-3);
            return pixelStart + (Math.log10(clamped) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                    * (pixelEnd - pixelStart);
        }

        /** Every power of ten in the domain. */
        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            for (long e = (long) Math.ceil(Math.log10(min) - 1e-9); e <= Math.floor(Math.log10(max) + 1e-9); e++) {
                ticks.add(Math.pow(10, e));
            }
            return ticks;
        }
    }
}
