package io.flowsim.plugin.report;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.EfficiencyTotals;
import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.KernelGroup;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.RunAnalysis;
import io.flowsim.api.model.Stage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static io.flowsim.plugin.report.Html.micros;

/**
 * The views of the runtime's analysis ({@link RunAnalysis}: stages and efficiency) that the trace
 * report and the run report share: time by stage and family, the GPU's peaks, and the roofline
 * chart. Stateless.
 */
final class AnalysisViews {

    private AnalysisViews() {
    }

    /** A point of the roofline chart: one distinct kernel's work and achieved rate. */
    record RooflinePoint(String key, OperationFamily family, DataType computeType, double flopsPerByte,
                         double tflops, double share, String tip) {
    }

    /** Measured time per stage and family, stages in {@link Stage} order, families in family order. */
    static Map<Stage, Map<String, EfficiencyTotals>> stageFamily(RunAnalysis analysis) {
        Map<Stage, Map<String, EfficiencyTotals>> out = new LinkedHashMap<>();
        for (Stage s : Stage.values()) {
            Map<String, EfficiencyTotals> families = new LinkedHashMap<>();
            for (OperationFamily f : OperationFamily.values()) {
                EfficiencyTotals t = EfficiencyTotals.EMPTY;
                for (KernelGroup g : analysis.groups()) {
                    if (g.stage() == s && g.family().equals(f.id())) {
                        t = t.plus(g.totals());
                    }
                }
                if (t.kernelTimeNs() > 0) {
                    families.put(f.id(), t);
                }
            }
            if (!families.isEmpty()) {
                out.put(s, families);
            }
        }
        return out;
    }

    /** One line per stage: its kernel time and share, for the run tables. */
    static String stagesLine(RunAnalysis analysis) {
        Map<String, EfficiencyTotals> stages = analysis.rollup(g -> g.stage().id());
        if (stages.isEmpty()) {
            return "not analysed";
        }
        long all = analysis.total().kernelTimeNs();
        List<String> parts = new ArrayList<>();
        for (Stage s : Stage.values()) {
            EfficiencyTotals t = stages.get(s.id());
            if (t != null) {
                parts.add(s.id() + ": " + Html.count(t.count()) + " kernels, " + micros(t.kernelTimeNs())
                        + (all == 0 ? "" : " (" + Html.percent(100.0 * t.kernelTimeNs() / all) + ")"));
            }
        }
        return String.join("; ", parts);
    }

    /**
     * Stacked bars of measured time by stage (one bar each) and family, with the legend; a note when
     * the run was not analysed. Marks are one per stage and family with time ({@code data-row} = stage,
     * {@code data-key} = family), the rows of {@code per_stage_family} in summary.json and run.json.
     */
    static String stageChart(String id, RunAnalysis analysis, boolean simulated) {
        Map<Stage, Map<String, EfficiencyTotals>> stages = stageFamily(analysis);
        if (stages.isEmpty()) {
            return "<p class=\"muted\" id=\"" + id + "-none\">The run's kernels were not analysed into stages.</p>";
        }
        List<Charts.Bar> bars = new ArrayList<>();
        stages.forEach((stage, families) -> {
            long total = families.values().stream().mapToLong(EfficiencyTotals::kernelTimeNs).sum();
            List<Charts.Segment> segments = new ArrayList<>();
            families.forEach((family, t) -> {
                String tip = stage.id() + " \u00b7 " + family + "\n" + Html.count(t.count()) + " kernels, "
                        + micros(t.kernelTimeNs()) + " (" + Html.percent(100.0 * t.kernelTimeNs() / total)
                        + " of the stage)" + efficiencyTip(t);
                if (simulated) {
                    tip += "\npredicted " + micros(t.predictedNs()) + " over " + Html.count(t.predictedCount())
                            + " kernels";
                }
                segments.add(new Charts.Segment(family, family, t.kernelTimeNs(), Palette.of(family), tip));
            });
            bars.add(new Charts.Bar(stage.id(), segments));
        });
        String note = stages.size() == 1 && stages.containsKey(Stage.OTHER)
                ? "<p class=\"note\" id=\"" + id + "-other\">No kernel could be placed in prefill or decode (no stage"
                + " in the file name, no prefill/decode annotation, no attention phase): all time is under"
                + " <i>other</i>.</p>" : "";
        return note + Charts.legendOf(bars) + Charts.stackedBars(id, "Kernel time by stage and family", bars);
    }

    /** Achieved rates and % of peak of a group, as tooltip lines (with their coverage). */
    static String efficiencyTip(EfficiencyTotals t) {
        if (t.workTimeNs() == 0) {
            return "\nwork (FLOPs, bytes) unknown";
        }
        String s = "\n" + Html.num(t.flopsPerSecond() / 1e12, 2) + " TFLOP/s, " + Html.num(t.bytesPerSecond() / 1e12, 3)
                + " TB/s over " + Html.percent(100.0 * t.workTimeNs() / Math.max(1, t.kernelTimeNs()))
                + " of the time (known work)";
        if (t.percentOfPeak().isPresent()) {
            s += "\n" + Html.percent(t.percentOfPeak().getAsDouble()) + " of peak, " + t.bound().id() + "-bound";
        }
        return s;
    }

    /** The GPU's peaks as one line, or why there are none. */
    static String peaks(Optional<GpuPeaks> peaks) {
        if (peaks.isEmpty()) {
            return "not known for the recorded GPU: the report shows achieved rates only (no % of peak, no roofs)";
        }
        GpuPeaks p = peaks.get();
        List<String> parts = new ArrayList<>();
        for (DataType t : DataType.values()) {
            Double v = p.flopsPerSecond().get(t);
            if (v != null && v > 0) {
                parts.add(t.id() + " " + Html.num(v / 1e12, 1) + " TFLOP/s");
            }
        }
        parts.add("memory " + Html.num(p.memoryBytesPerSecond() / 1e12, 2) + " TB/s");
        if (p.networkBytesPerSecond() > 0) {
            parts.add("GPU link " + Html.num(p.networkBytesPerSecond() / 1e12, 3) + " TB/s");
        }
        return p.gpu() + ": " + String.join(", ", parts);
    }

    /**
     * The roofline: each point's achieved TFLOP/s against its FLOPs per byte (log-log), under the
     * memory roof ({@code intensity * bandwidth}) and one compute roof per element type of the points.
     * Roofs come from the same peaks as the efficiency figures.
     */
    static String roofline(String id, List<RooflinePoint> points, Optional<GpuPeaks> peaks) {
        double xLo = Double.MAX_VALUE;
        double xHi = 0;
        double yLo = Double.MAX_VALUE;
        double yHi = 0;
        Map<String, String> legend = new LinkedHashMap<>();
        TreeSet<DataType> types = new TreeSet<>();
        List<Charts.Point> marks = new ArrayList<>();
        for (RooflinePoint p : points) {
            xLo = Math.min(xLo, p.flopsPerByte());
            xHi = Math.max(xHi, p.flopsPerByte());
            yLo = Math.min(yLo, p.tflops());
            yHi = Math.max(yHi, p.tflops());
            types.add(p.computeType());
            legend.putIfAbsent(p.family().id(), Palette.of(p.family()));
            marks.add(new Charts.Point(p.key(), p.flopsPerByte(), p.tflops(), 2.5 + 9 * Math.sqrt(p.share()),
                    Palette.of(p.family()), p.tip()));
        }
        List<Charts.Line> roofs = new ArrayList<>();
        if (peaks.isPresent()) {
            GpuPeaks g = peaks.get();
            // a type without units of its own runs at the fp32 peak (GpuPeaks.flops): draw that roof once
            TreeSet<DataType> own = new TreeSet<>();
            for (DataType t : types) {
                if (g.flops(t).isPresent()) {
                    own.add(g.flopsPerSecond().containsKey(t) ? t : DataType.FP32);
                }
            }
            types = own;
            double bandwidth = g.memoryBytesPerSecond() / 1e12;
            for (DataType t : types) {
                if (g.flops(t).isPresent()) {
                    yHi = Math.max(yHi, g.flops(t).getAsDouble() / 1e12);
                }
            }
            double ridge = ridge(g, types, bandwidth);
            double[] x = Charts.decades(xLo, Math.max(xHi, 10 * ridge));
            // a decade of headroom above the highest roof keeps its label clear of the points under it
            double[] y = Charts.decades(Math.min(yLo, x[0] * bandwidth), yHi * 10);
            roofs.add(new Charts.Line(x[0], x[0] * bandwidth, ridge, ridge * bandwidth, "roof",
                    "memory " + Html.num(bandwidth, 2) + " TB/s"));
            for (DataType t : types) {
                double peak = g.flops(t).getAsDouble() / 1e12;
                roofs.add(new Charts.Line(peak / bandwidth, peak, x[1], peak, "roof",
                        t.id() + " " + Html.num(peak, 0) + " TFLOP/s"));
            }
            return Charts.legend(legend) + Charts.logScatter(id, "Roofline: achieved TFLOP/s against FLOPs per byte",
                    marks, roofs, "arithmetic intensity (FLOP / byte)", "achieved TFLOP/s", x, y);
        }
        return Charts.legend(legend) + Charts.logScatter(id, "Achieved TFLOP/s against FLOPs per byte", marks, roofs,
                "arithmetic intensity (FLOP / byte)", "achieved TFLOP/s", Charts.decades(xLo, xHi),
                Charts.decades(yLo, yHi));
    }

    /** The largest intensity at which a roof of the given types bends. */
    private static double ridge(GpuPeaks g, TreeSet<DataType> types, double bandwidth) {
        double ridge = 1;
        for (DataType t : types) {
            if (g.flops(t).isPresent()) {
                ridge = Math.max(ridge, g.flops(t).getAsDouble() / 1e12 / bandwidth);
            }
        }
        return ridge;
    }
}
