package io.flowsim.plugin.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.GroupTotals;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.api.model.TraceMetadata;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static io.flowsim.plugin.report.Html.count;
import static io.flowsim.plugin.report.Html.escape;
import static io.flowsim.plugin.report.Html.exactMicros;
import static io.flowsim.plugin.report.Html.micros;

/**
 * Renders report.html from a run's summary and the kernel statistics: one self-contained page with
 * inline CSS, SVG and script. Totals come from the {@link RunSummary} (the numbers summary.json
 * holds) and carry {@code data-total} / {@code data-value} attributes with the exact values. Large
 * runs are bounded: the table lists the top {@value #TOP_KERNELS} distinct kernels, the scatter the
 * {@value #MAX_POINTS} largest, the snippet {@value #MAX_UNKNOWN} unknown names, each saying so.
 */
final class HtmlReport {

    static final int TOP_KERNELS = 100;
    static final int MAX_POINTS = 3000;
    static final int MAX_UNKNOWN = 200;
    static final int TOP_OPS = 20;

    static final String CSS = resource("report.css");
    static final String SCRIPT = resource("report.js");
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final RunSummary summary;
    private final KernelStats stats;
    private final Optional<SimulationSummary> simulation;
    /** Simulated on another GPU than the recorded one: predicted against measured is a projection, not an error. */
    private final boolean whatIf;
    private final StringBuilder out = new StringBuilder(1 << 16);

    private HtmlReport(RunSummary summary, KernelStats stats) {
        this.summary = summary;
        this.stats = stats;
        this.simulation = summary.simulation();
        this.whatIf = simulation.map(sim -> sim.target().isWhatIf()).orElse(false);
    }

    /** The complete page. */
    static String render(RunSummary summary, KernelStats stats) {
        return new HtmlReport(summary, stats).page();
    }

    private String page() {
        TraceMetadata m = summary.metadata();
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<link rel=\"icon\" href=\"data:,\">")
                .append("<title>FlowSim report: ").append(escape(m.traceName())).append("</title><style>")
                .append(CSS).append("</style></head><body>\n");
        out.append("<header><h1>FlowSim report</h1><p>").append(escape(m.traceName())).append(" &middot; ")
                .append(escape(m.source())).append("</p></header>\n");
        out.append("<nav><a href=\"#run\">Run</a><a href=\"#totals\">End to end</a><a href=\"#time\">Time</a>")
                .append("<a href=\"#accuracy\">Predicted vs measured</a><a href=\"#roofline\">Roofline</a>")
                .append("<a href=\"#collectives\">Collectives</a><a href=\"#kernels\">Top kernels</a>")
                .append("<a href=\"#unknown\">Unknown kernels</a></nav>\n<main>\n");
        run();
        totals();
        time();
        accuracy();
        roofline();
        collectives();
        topKernels();
        unknown();
        out.append("</main>\n<div id=\"tip\" hidden></div>\n<script>").append(SCRIPT).append("</script>\n")
                .append("</body></html>\n");
        return out.toString();
    }

    private void run() {
        TraceMetadata m = summary.metadata();
        out.append("<section id=\"run\"><h2>Run</h2><table class=\"kv\">");
        kv("Trace", escape(m.traceName()));
        kv("Source", escape(m.source()));
        kv("GPU", m.devices().isEmpty() ? "not recorded" : m.devices().stream().map(HtmlReport::device)
                .map(Html::escape).collect(Collectors.joining("<br>")));
        String rank = m.rank().isPresent() ? Integer.toString(m.rank().getAsInt()) : "not recorded";
        if (m.distributed().isPresent() && m.distributed().get().worldSize().isPresent()) {
            rank += " of world size " + m.distributed().get().worldSize().getAsInt();
        }
        kv("Rank", escape(rank));
        String versions = versions(m);
        if (!versions.isEmpty()) {
            kv("Recorded with", escape(versions));
        }
        kv("Streams", escape(stats.streams().size() + " (device:stream " + String.join(", ", stats.streams()) + ")"));
        kv("Stages", escape(AnalysisViews.stagesLine(summary.analysis())));
        kv("GPU peaks (roofline)", escape(AnalysisViews.peaks(summary.analysis().peaks())));
        kv("Kernels", escape(count(summary.kernelCount()) + " kernels, " + micros(summary.kernelTimeNs())
                + "; " + count(summary.memoryOperationCount()) + " memcpy/memset, "
                + micros(summary.memoryOperationTimeNs())));
        kv("Resolved", escape(Html.percent(100 * summary.resolvedFraction())
                + " of kernel time through kernel databases; " + count(summary.unknownKernelNames())
                + " kernel names not in a database"));
        if (simulation.isPresent()) {
            SimulationSummary s = simulation.get();
            kv("Backend", escape(s.backend()));
            String target = s.target().name() + (s.target().isTraceDevice() ? " (the GPU the trace was recorded on)"
                    : s.target().traceDevice().map(d -> " (what-if: the trace was recorded on " + d.name() + ")")
                    .orElse(""));
            kv("Simulated GPU", escape(target));
            if (!s.notes().isEmpty()) {
                kv("Backend notes", s.notes().stream().map(Html::escape).collect(Collectors.joining("<br>")));
            }
        } else {
            kv("Simulation", "none: this is the report of <code>flowsim parse</code>; run <code>flowsim simulate</code>"
                    + " for predictions");
        }
        out.append("</table></section>\n");
    }

    private static String device(DeviceInfo d) {
        StringBuilder b = new StringBuilder().append(d.id()).append(": ").append(d.name());
        List<String> facts = new ArrayList<>();
        if (d.smCount() > 0) {
            facts.add(d.smCount() + " SMs");
        }
        if (d.totalMemoryBytes() > 0) {
            facts.add(String.format(Locale.ROOT, "%.1f GiB", d.totalMemoryBytes() / (double) (1L << 30)));
        }
        if (d.computeMajor() > 0) {
            facts.add("compute capability " + d.computeCapability());
        }
        if (!facts.isEmpty()) {
            b.append(" (").append(String.join(", ", facts)).append(')');
        }
        return b.toString();
    }

    private static String versions(TraceMetadata m) {
        List<String> parts = new ArrayList<>();
        Map<String, String> p = m.properties();
        if (p.containsKey(TraceMetadata.PYTORCH_VERSION)) {
            parts.add("PyTorch " + p.get(TraceMetadata.PYTORCH_VERSION));
        }
        if (p.containsKey(TraceMetadata.CUDA_RUNTIME_VERSION)) {
            parts.add("CUDA runtime " + p.get(TraceMetadata.CUDA_RUNTIME_VERSION));
        }
        if (p.containsKey(TraceMetadata.CUDA_DRIVER_VERSION)) {
            parts.add("driver " + p.get(TraceMetadata.CUDA_DRIVER_VERSION));
        }
        return String.join(", ", parts);
    }

    private void kv(String key, String html) {
        out.append("<tr><th>").append(escape(key)).append("</th><td>").append(html).append("</td></tr>");
    }

    private void totals() {
        out.append("<section id=\"totals\"><h2>End to end</h2>");
        if (simulation.isPresent()) {
            SimulationSummary s = simulation.get();
            Optional<AccuracyRow> all = s.accuracy().stream().filter(r -> r.group().equals("all")).findFirst();
            long unpredicted = summary.kernelTimeNs() - all.map(AccuracyRow::measuredNs).orElse(0L);
            if (s.target().isWhatIf()) {
                projectionHeadline(s, all, unpredicted);
            } else {
                sameGpuHeadline(s, all, unpredicted);
            }
        }
        out.append("<table id=\"totals-table\"><thead><tr><th>total</th><th class=\"n\">value</th></tr></thead><tbody>");
        total("kernel_count", "GPU kernels", Long.toString(summary.kernelCount()), count(summary.kernelCount()));
        total("kernel_time_us", "kernel time (sum of durations)", exactMicros(summary.kernelTimeNs()),
                micros(summary.kernelTimeNs()));
        total("busy_time_us", "busy time (union per device)", exactMicros(summary.busyTimeNs()),
                micros(summary.busyTimeNs()));
        total("wall_time_us", "wall time (first start to last end)", exactMicros(summary.wallTimeNs()),
                micros(summary.wallTimeNs()));
        total("memory_operations.count", "memcpy/memset", Long.toString(summary.memoryOperationCount()),
                count(summary.memoryOperationCount()));
        total("memory_operations.time_us", "memcpy/memset time", exactMicros(summary.memoryOperationTimeNs()),
                micros(summary.memoryOperationTimeNs()));
        total("resolved_fraction", "resolved through a database (share of kernel time)",
                Double.toString(summary.resolvedFraction()), Html.percent(100 * summary.resolvedFraction()));
        EfficiencyRows.add(summary.analysis().total(), summary.kernelTimeNs(), this::total);
        if (simulation.isPresent()) {
            SimulationSummary s = simulation.get();
            total("predicted_kernel_time_us", "predicted kernel time", exactMicros(s.predictedKernelTimeNs()),
                    micros(s.predictedKernelTimeNs()));
            total("simulation.ok", "kernels with a prediction", Long.toString(s.ok()), count(s.ok()));
            total("simulation.unsupported", "kernels the backend does not model", Long.toString(s.unsupported()),
                    count(s.unsupported()));
            total("simulation.failed", "kernels whose simulation failed", Long.toString(s.failed()), count(s.failed()));
            s.accuracy().stream().filter(r -> r.group().equals("all")).findFirst().ifPresent(all -> {
                total("accuracy.all.measured_time_us", "measured time of the predicted kernels",
                        exactMicros(all.measuredNs()), micros(all.measuredNs()));
                total("accuracy.all.coverage", "coverage (share of measured kernel time predicted)",
                        Double.toString(coverage(all.measuredNs()) / 100), Html.percent(coverage(all.measuredNs())));
                if (s.target().isWhatIf()) {
                    total("accuracy.all.predicted_to_measured", "predicted on " + s.target().name() + " / measured on "
                            + recordedGpu(s) + " (what-if: a projection across GPUs)",
                            all.measuredNs() == 0 ? "" : Double.toString((double) all.predictedNs() / all.measuredNs()),
                            all.measuredNs() == 0 ? "-" : ratio((double) all.predictedNs() / all.measuredNs()));
                    return;
                }
                total("accuracy.all.total_error_percent", "total error of the predicted kernels",
                        Double.toString(all.totalErrorPercent()), Html.signedPercent(all.totalErrorPercent()));
                total("accuracy.all.median_abs_error_percent", "median |error| per kernel",
                        Double.toString(all.medianAbsErrorPercent()), Html.percent(all.medianAbsErrorPercent()));
                total("accuracy.all.time_weighted_abs_error_percent", "time-weighted |error|",
                        Double.toString(all.timeWeightedAbsErrorPercent()),
                        Html.percent(all.timeWeightedAbsErrorPercent()));
            });
        }
        out.append("</tbody></table></section>\n");
    }

    /** The end-to-end headline of a run simulated on the GPU its trace was recorded on: the total error. */
    private void sameGpuHeadline(SimulationSummary s, Optional<AccuracyRow> all, long unpredicted) {
        out.append("<p class=\"headline\">Measured kernel time <b>").append(micros(summary.kernelTimeNs()))
                .append("</b>, predicted <b>").append(micros(s.predictedKernelTimeNs())).append("</b>");
        if (all.isPresent()) {
            out.append("; over the ").append(count(all.get().count())).append(" kernels with a prediction the total")
                    .append(" error is <b>").append(Html.signedPercent(all.get().totalErrorPercent()))
                    .append("</b>, covering <b>").append(Html.percent(coverage(all.get().measuredNs())))
                    .append("</b> of measured kernel time");
        }
        out.append(". ").append(micros(unpredicted)).append(" of measured time has no prediction.</p>");
    }

    /**
     * The end-to-end headline of a what-if run: the measured times are of the GPU the trace was recorded on,
     * the predictions of another, so their ratio is a projection and is never called an error.
     */
    private void projectionHeadline(SimulationSummary s, Optional<AccuracyRow> all, long unpredicted) {
        out.append("<p class=\"headline\">What-if: measured kernel time on ").append(escape(recordedGpu(s)))
                .append(" <b>").append(micros(summary.kernelTimeNs())).append("</b>");
        if (all.isPresent()) {
            AccuracyRow a = all.get();
            out.append("; the ").append(count(a.count())).append(" kernels with a prediction, <b>")
                    .append(Html.percent(coverage(a.measuredNs()))).append("</b> of it (")
                    .append(micros(a.measuredNs())).append("), are predicted at <b>").append(micros(a.predictedNs()))
                    .append("</b> on ").append(escape(s.target().name())).append(" (<b>")
                    .append(a.measuredNs() == 0 ? "-" : ratio((double) a.predictedNs() / a.measuredNs()))
                    .append("</b> their measured time)");
        }
        out.append(". ").append(micros(unpredicted)).append(" of measured time has no prediction. The two times are"
                + " of different GPUs: a projection, not an accuracy figure.</p>");
    }

    private static String recordedGpu(SimulationSummary s) {
        return s.target().traceDevice().map(d -> d.name()).orElse("the recorded GPU");
    }

    private double coverage(long measuredNs) {
        return summary.kernelTimeNs() == 0 ? 0 : 100.0 * measuredNs / summary.kernelTimeNs();
    }

    private void total(String key, String label, String exact, String shown) {
        out.append("<tr><td>").append(escape(label)).append("</td><td class=\"n\" data-total=\"").append(key)
                .append("\" data-value=\"").append(escape(exact)).append("\">").append(escape(shown))
                .append("</td></tr>");
    }

    private void time() {
        out.append("<section id=\"time\"><h2>Where the time goes</h2>");
        out.append("<h3>By family</h3>");
        List<Charts.Bar> familyBars = new ArrayList<>();
        familyBars.add(new Charts.Bar("measured", familySegments(summary.perFamily(), false)));
        if (simulation.isPresent()) {
            familyBars.add(new Charts.Bar("predicted", familySegments(summary.perFamily(), true)));
        }
        out.append(Charts.legendOf(familyBars));
        out.append(Charts.stackedBars("chart-family", "Kernel time by family", familyBars));
        if (simulation.isPresent()) {
            out.append("<p class=\"note\">The predicted bar sums the predictions only; kernels the backend does not"
                    + " model have no predicted time.</p>");
        }

        out.append("<h3>By stage</h3>");
        out.append(AnalysisViews.stageChart("chart-stage", summary.analysis(), simulation.isPresent()));

        out.append("<h3>By op</h3>");
        List<GroupTotals> ops = summary.perOpMapping();
        List<Charts.Bar> opBars = new ArrayList<>();
        for (int i = 0; i < Math.min(TOP_OPS, ops.size()); i++) {
            GroupTotals g = ops.get(i);
            String family = stats.familyOfOp(g.group());
            opBars.add(new Charts.Bar(g.group(), List.of(new Charts.Segment(g.group(), family, g.kernelTimeNs(),
                    Palette.of(family), opTip(g)))));
        }
        if (ops.size() > TOP_OPS) {
            long rest = ops.subList(TOP_OPS, ops.size()).stream().mapToLong(GroupTotals::kernelTimeNs).sum();
            long restCount = ops.subList(TOP_OPS, ops.size()).stream().mapToLong(GroupTotals::count).sum();
            opBars.add(new Charts.Bar((ops.size() - TOP_OPS) + " other ops", List.of(new Charts.Segment("(other ops)",
                    "other ops", rest, "#bbbbbb", (ops.size() - TOP_OPS) + " other ops\n" + count(restCount)
                    + " kernels, " + micros(rest)))));
        }
        out.append(Charts.legendOf(opBars));
        out.append(Charts.stackedBars("chart-op", "Kernel time by op mapping", opBars));
        out.append("</section>\n");
    }

    private List<Charts.Segment> familySegments(List<GroupTotals> perFamily, boolean predicted) {
        List<Charts.Segment> segments = new ArrayList<>();
        long total = perFamily.stream().mapToLong(predicted ? GroupTotals::predictedNs : GroupTotals::kernelTimeNs).sum();
        for (GroupTotals g : perFamily) {
            long ns = predicted ? g.predictedNs() : g.kernelTimeNs();
            if (ns <= 0) {
                continue;
            }
            String tip = g.group() + (predicted ? " (predicted)" : " (measured)") + "\n" + micros(ns) + ", "
                    + Html.percent(100.0 * ns / total) + "\n" + (predicted ? count(g.predictedCount()) + " of "
                    + count(g.count()) + " kernels predicted" : count(g.count()) + " kernels");
            segments.add(new Charts.Segment(g.group(), g.group(), ns, Palette.of(g.group()), tip));
        }
        return segments;
    }

    private String opTip(GroupTotals g) {
        String tip = g.group() + " (" + stats.familyOfOp(g.group()) + ")\n" + count(g.count()) + " kernels, "
                + micros(g.kernelTimeNs()) + " measured";
        if (simulation.isPresent()) {
            tip += "\n" + count(g.predictedCount()) + " predicted: " + micros(g.predictedNs());
        }
        return tip;
    }

    private void accuracy() {
        if (whatIf) {
            // a heading that names both GPUs: nothing in this section is an error
            SimulationSummary sim = simulation.get();
            out.append("<section id=\"accuracy\"><h2>Predicted on ").append(escape(sim.target().name()))
                    .append(" against measured on ").append(escape(recordedGpu(sim)))
                    .append(" (what-if)</h2><p class=\"note\" id=\"what-if\">What-if: the trace was recorded on ")
                    .append(escape(recordedGpu(sim))).append(", the predictions are for ").append(escape(sim.target().name()))
                    .append(". Predicted against measured compares two GPUs: the ratios below are a projection, not an"
                            + " accuracy figure.</p>");
        } else {
            out.append("<section id=\"accuracy\"><h2>Predicted against measured</h2>");
        }
        if (simulation.isEmpty()) {
            out.append("<p class=\"muted\">No simulation in this run: <code>flowsim simulate</code> adds predicted"
                    + " times, this comparison and the error distribution.</p></section>\n");
            return;
        }
        SimulationSummary sim = simulation.get();
        List<KernelStats.DistinctKernel> predicted = stats.groupsByTime().stream().filter(KernelStats.DistinctKernel::predicted)
                .toList();
        List<KernelStats.DistinctKernel> shown = predicted.subList(0, Math.min(MAX_POINTS, predicted.size()));
        out.append("<h3>Per distinct kernel (log-log)</h3><p class=\"note\">One point per distinct kernel (name,"
                + " operands and shapes) with a prediction: mean measured against mean predicted duration; the area"
                + " grows with the kernel's share of time. Diagonal: " + (whatIf ? "the same time on both GPUs" : "exact")
                + "; dashed: 2&times; off.");
        if (shown.size() < predicted.size()) {
            long shownNs = shown.stream().mapToLong(g -> g.measuredNs).sum();
            long allNs = predicted.stream().mapToLong(g -> g.measuredNs).sum();
            out.append(" Showing the ").append(count(shown.size())).append(" largest of ")
                    .append(count(predicted.size())).append(", ").append(Html.percent(100.0 * shownNs / allNs))
                    .append(" of their time.");
        }
        out.append("</p>");
        Map<String, String> legend = new LinkedHashMap<>();
        double lo = Double.MAX_VALUE;
        double hi = 0;
        List<Charts.Point> points = new ArrayList<>();
        for (KernelStats.DistinctKernel g : shown) {
            double x = Math.max(g.meanMeasuredOfPredictedNs() / 1000, 1e-3);
            double y = Math.max(g.meanPredictedNs() / 1000, 1e-3);
            lo = Math.min(lo, Math.min(x, y));
            hi = Math.max(hi, Math.max(x, y));
            double share = summary.kernelTimeNs() == 0 ? 0 : (double) g.measuredNs / summary.kernelTimeNs();
            legend.putIfAbsent(g.family.id(), Palette.of(g.family));
            points.add(new Charts.Point(g.name, x, y, 2.5 + 9 * Math.sqrt(share), Palette.of(g.family),
                    kernelTip(g)));
        }
        if (points.isEmpty()) {
            out.append("<p class=\"muted\">No kernel has a prediction.</p>");
        } else {
            double[] d = Charts.decades(lo, hi);
            out.append(Charts.legend(legend));
            out.append(Charts.logScatter("chart-scatter", "Predicted against measured duration per distinct kernel",
                    points, List.of(new Charts.Line(d[0], d[0], d[1], d[1], "ref", "predicted = measured"),
                            new Charts.Line(d[0], 2 * d[0], d[1] / 2, d[1], "ref2", ""),
                            new Charts.Line(2 * d[0], d[0], d[1], d[1] / 2, "ref2", "")),
                    "measured (us)", "predicted (us)", d, d));
        }

        out.append(whatIf ? "<h3>Predicted / measured per family</h3>" : "<h3>Error distribution per family</h3>")
                .append("<p class=\"note\">Predicted / measured per kernel: box from"
                + " the 25th to the 75th percentile, whiskers from the 10th to the 90th, the median as a bar; 1 is ")
                .append(whatIf ? "the same time on both GPUs. Right: kernels compared, predicted / measured of their"
                        + " totals and the family's coverage.</p>"
                        : "exact. Right: kernels compared, their time-weighted |error| and the family's coverage.</p>");
        Map<OperationFamily, float[]> ratios = stats.ratiosByFamily();
        List<Charts.Box> boxes = new ArrayList<>();
        double bLo = 0.5;
        double bHi = 2;
        for (Map.Entry<OperationFamily, float[]> e : ratios.entrySet()) {
            float[] r = e.getValue();
            if (r.length == 0) {
                continue;
            }
            String family = e.getKey().id();
            Optional<AccuracyRow> row = sim.accuracy().stream().filter(a -> a.group().equals(family)).findFirst();
            long familyNs = summary.perFamily().stream().filter(g -> g.group().equals(family))
                    .mapToLong(GroupTotals::kernelTimeNs).sum();
            String cover = row.map(a -> familyNs == 0 ? "" : ", coverage " + Html.percent(100.0 * a.measuredNs() / familyNs))
                    .orElse("");
            String note = "n=" + count(r.length) + row.map(a -> whatIf
                    ? ", total " + (a.measuredNs() == 0 ? "-" : ratio((double) a.predictedNs() / a.measuredNs()))
                    : ", tw |err| " + Html.percent(a.timeWeightedAbsErrorPercent())).orElse("") + cover;
            double p10 = quantile(r, 0.10);
            double p25 = quantile(r, 0.25);
            double p50 = quantile(r, 0.50);
            double p75 = quantile(r, 0.75);
            double p90 = quantile(r, 0.90);
            bLo = Math.min(bLo, Math.max(p10, 1e-3));
            bHi = Math.max(bHi, Math.min(p90, 1e3));
            String tip = family + ": predicted / measured over " + count(r.length) + " kernels\np10 "
                    + ratio(p10) + ", p25 " + ratio(p25) + ", median " + ratio(p50) + ", p75 " + ratio(p75) + ", p90 "
                    + ratio(p90) + (whatIf ? "" : row.map(a -> "\nmedian |error| " + Html.percent(a.medianAbsErrorPercent())
                    + ", total error " + Html.signedPercent(a.totalErrorPercent())).orElse("")) + cover;
            boxes.add(new Charts.Box(family, family, Math.max(p10, 1e-3), Math.max(p25, 1e-3), Math.max(p50, 1e-3),
                    Math.max(p75, 1e-3), Math.max(p90, 1e-3), Palette.of(e.getKey()), note, tip));
        }
        out.append(Charts.logBoxes("chart-error", "Predicted / measured per family", boxes, Charts.decades(bLo, bHi),
                "predicted / measured", 1));

        if (whatIf) {
            projectionTable(sim);
            out.append("</section>\n");
            return;
        }
        out.append("<h3>Accuracy per family</h3><table id=\"accuracy-table\"><thead><tr><th>family</th>")
                .append("<th class=\"n\">kernels</th><th class=\"n\">measured</th><th class=\"n\">predicted</th>")
                .append("<th class=\"n\">total error</th><th class=\"n\">median |err|</th><th class=\"n\">p90 |err|</th>")
                .append("<th class=\"n\">time-weighted |err|</th><th class=\"n\">coverage</th>");
        // beside every row, the kernels no kernel of another stream overlapped, when some were overlapped
        boolean concurrent = summary.concurrency().anyConcurrent();
        Map<String, AccuracyRow> isolated = new LinkedHashMap<>();
        summary.concurrency().isolatedAccuracy().forEach(r -> isolated.put(r.group(), r));
        if (concurrent) {
            out.append("<th class=\"n\">isolated</th><th class=\"n\">isolated share</th>")
                    .append("<th class=\"n\">isolated median |err|</th><th class=\"n\">isolated total error</th>");
        }
        out.append("</tr></thead><tbody>");
        for (AccuracyRow a : sim.accuracy()) {
            long groupNs = familyKernelTimeNs(a.group());
            out.append("<tr><td>").append(escape(a.group())).append("</td><td class=\"n\">").append(count(a.count()))
                    .append("</td><td class=\"n\">").append(micros(a.measuredNs())).append("</td><td class=\"n\">")
                    .append(micros(a.predictedNs())).append("</td><td class=\"n\">")
                    .append(Html.signedPercent(a.totalErrorPercent())).append("</td><td class=\"n\">")
                    .append(Html.percent(a.medianAbsErrorPercent())).append("</td><td class=\"n\">")
                    .append(Html.percent(a.p90AbsErrorPercent())).append("</td><td class=\"n\">")
                    .append(Html.percent(a.timeWeightedAbsErrorPercent())).append("</td><td class=\"n\">")
                    .append(groupNs == 0 ? "" : Html.percent(100.0 * a.measuredNs() / groupNs)).append("</td>");
            if (concurrent) {
                AccuracyRow i = isolated.get(a.group());
                out.append("<td class=\"n\">").append(i == null ? "0" : count(i.count())).append("</td><td class=\"n\">")
                        .append(i == null || a.measuredNs() == 0 ? "" : Html.percent(100.0 * i.measuredNs() / a.measuredNs()))
                        .append("</td><td class=\"n\">").append(i == null ? "" : Html.percent(i.medianAbsErrorPercent()))
                        .append("</td><td class=\"n\">").append(i == null ? "" : Html.signedPercent(i.totalErrorPercent()))
                        .append("</td>");
            }
            out.append("</tr>");
        }
        out.append("</tbody></table><p class=\"note\">Coverage: the share of the group's measured kernel time that has"
                + " a prediction; the errors describe only that share.");
        if (concurrent) {
            out.append(" Isolated: the predicted kernels that no kernel of another stream of their GPU overlapped (the"
                    + " CSV's <code>Overlap (us)</code> is 0), the case a model of one kernel alone on its GPU can be"
                    + " judged on; isolated share: their part of the row's measured time, which the isolated errors"
                    + " describe. ").append(count(summary.concurrency().concurrentKernelCount()))
                    .append(" kernels overlapped another stream.");
        }
        out.append("</p></section>\n");
    }

    /** The measured kernel time of a family of the accuracy table ({@code all}: of every kernel), its coverage's base. */
    private long familyKernelTimeNs(String group) {
        return group.equals("all") ? summary.kernelTimeNs() : summary.perFamily().stream()
                .filter(g -> g.group().equals(group)).mapToLong(GroupTotals::kernelTimeNs).sum();
    }

    /** A what-if run's table per family: the two GPUs' times and their ratio, no error columns. */
    private void projectionTable(SimulationSummary sim) {
        out.append("<h3>Projection per family</h3><table id=\"projection-table\"><thead><tr><th>family</th>")
                .append("<th class=\"n\">kernels</th><th class=\"n\">measured on ").append(escape(recordedGpu(sim)))
                .append("</th><th class=\"n\">predicted on ").append(escape(sim.target().name()))
                .append("</th><th class=\"n\">predicted / measured</th><th class=\"n\">coverage</th></tr></thead><tbody>");
        for (AccuracyRow a : sim.accuracy()) {
            long groupNs = familyKernelTimeNs(a.group());
            out.append("<tr><td>").append(escape(a.group())).append("</td><td class=\"n\">").append(count(a.count()))
                    .append("</td><td class=\"n\">").append(micros(a.measuredNs())).append("</td><td class=\"n\">")
                    .append(micros(a.predictedNs())).append("</td><td class=\"n\">")
                    .append(a.measuredNs() == 0 ? "-" : ratio((double) a.predictedNs() / a.measuredNs()))
                    .append("</td><td class=\"n\">")
                    .append(groupNs == 0 ? "" : Html.percent(100.0 * a.measuredNs() / groupNs)).append("</td></tr>");
        }
        out.append("</tbody></table><p class=\"note\">Coverage: the share of the group's measured kernel time that has"
                + " a prediction; the ratio describes only that share.</p>");
    }

    /** Predicted over measured time of a distinct kernel's predicted kernels; 0 when they took no time. */
    private static double predictedToMeasured(KernelStats.DistinctKernel g) {
        return g.meanMeasuredOfPredictedNs() == 0 ? 0 : g.meanPredictedNs() / g.meanMeasuredOfPredictedNs();
    }

    private static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f\u00d7", r);
    }

    /** The {@code q} quantile of sorted values, linearly interpolated. */
    static double quantile(float[] sorted, double q) {
        if (sorted.length == 1) {
            return sorted[0];
        }
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(i + 1, sorted.length - 1);
        return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }

    private String kernelTip(KernelStats.DistinctKernel g) {
        StringBuilder b = new StringBuilder(g.name).append("\n").append(g.family.id());
        if (!g.opMapping.isEmpty()) {
            b.append(" \u00b7 ").append(g.opMapping);
        }
        if (!g.shapes.isEmpty()) {
            b.append("\n").append(g.shapes);
        }
        b.append("\n").append(count(g.count)).append(" kernels, mean ").append(micros(g.meanNs()));
        if (g.workKnown()) {
            b.append("\n").append(Html.num(g.tflops(), 2)).append(" TFLOP/s, ").append(Html.num(g.terabytesPerSecond(), 3))
                    .append(g.network ? " TB/s over the link" : " TB/s");
            if (!g.network && g.bytes > 0) {
                b.append(", ").append(Html.num(g.intensity(), 1)).append(" FLOP/byte");
            }
            if (g.percentOfPeak() >= 0) {
                b.append("\n").append(Html.percent(g.percentOfPeak())).append(" of peak, ").append(g.bound().id())
                        .append("-bound");
            }
        }
        if (g.predicted()) {
            b.append("\npredicted ").append(micros(g.meanPredictedNs())).append(" vs measured ")
                    .append(micros(g.meanMeasuredOfPredictedNs())).append(" (").append(whatIf
                            ? ratio(predictedToMeasured(g)) + " on another GPU"
                            : Html.signedPercent(g.errorPercent()))
                    .append(')');
        } else if (!g.simulationNote.isEmpty()) {
            b.append("\n").append(g.simulationNote);
        }
        return b.toString();
    }

    private void roofline() {
        out.append("<section id=\"roofline\"><h2>Roofline</h2>");
        List<KernelStats.DistinctKernel> all = stats.groupsByTime().stream()
                .filter(g -> g.workKnown() && !g.network && g.flops > 0 && g.bytes > 0).toList();
        if (all.isEmpty()) {
            out.append("<p class=\"muted\" id=\"chart-roofline-none\">No kernel has known FLOPs and bytes (they are"
                    + " counted from the operands, which this run's kernels do not carry).</p></section>\n");
            return;
        }
        List<KernelStats.DistinctKernel> shown = all.subList(0, Math.min(MAX_POINTS, all.size()));
        long shownNs = shown.stream().mapToLong(g -> g.workNs).sum();
        out.append("<p class=\"note\">One point per distinct kernel with known work (FLOPs and bytes counted from its"
                + " operands; collectives and copies without arithmetic are left out): achieved TFLOP/s over its measured"
                + " time against FLOPs per byte; the area grows with its share of time. Roofs: ")
                .append(escape(AnalysisViews.peaks(summary.analysis().peaks()))).append(". The points cover ")
                .append(Html.percent(coverage(shownNs))).append(" of kernel time");
        if (shown.size() < all.size()) {
            out.append("; the ").append(count(shown.size())).append(" largest of ").append(count(all.size()))
                    .append(" are shown");
        }
        out.append(".</p>");
        List<AnalysisViews.RooflinePoint> points = new ArrayList<>();
        for (KernelStats.DistinctKernel g : shown) {
            double share = summary.kernelTimeNs() == 0 ? 0 : (double) g.measuredNs / summary.kernelTimeNs();
            points.add(new AnalysisViews.RooflinePoint(g.name, g.family, g.computeType, g.intensity(), g.tflops(), share,
                    kernelTip(g)));
        }
        out.append(AnalysisViews.roofline("chart-roofline", points, summary.analysis().peaks()));
        out.append("</section>\n");
    }

    private void collectives() {
        out.append("<section id=\"collectives\"><h2>Collectives</h2><p class=\"muted\" id=\"chart-collectives-none\">")
                .append("Collective transfer against wait per rank needs a run of several ranks; this report covers")
                .append(" one trace.</p></section>\n");
    }

    private void topKernels() {
        List<KernelStats.DistinctKernel> groups = stats.groupsByTime();
        List<KernelStats.DistinctKernel> top = groups.subList(0, Math.min(TOP_KERNELS, groups.size()));
        boolean simulated = simulation.isPresent();
        out.append("<section id=\"kernels\"><h2>Top kernels</h2><p class=\"note\">Distinct kernels (name, operands"
                + " and shapes) by measured time");
        if (top.size() < groups.size()) {
            out.append(": the ").append(top.size()).append(" largest of ").append(count(groups.size()));
        }
        out.append(". Click a column to sort.</p>");
        out.append("<table id=\"kernels-table\" class=\"sortable\"><thead><tr><th>kernel</th><th>family</th><th>op</th>")
                .append("<th>shapes</th><th>dtypes</th><th class=\"n\">count</th><th class=\"n\">total us</th>")
                .append("<th class=\"n\">share</th><th class=\"n\">mean us</th>")
                .append("<th class=\"n\" title=\"achieved TFLOP/s over the measured time\">TFLOP/s</th>")
                .append("<th class=\"n\" title=\"achieved TB/s (link TB/s for collectives)\">TB/s</th>")
                .append("<th class=\"n\" title=\"roofline time / measured time\">% of peak</th><th>bound</th>");
        if (simulated) {
            out.append("<th class=\"n\">predicted us</th>").append(whatIf
                    ? "<th class=\"n\" title=\"predicted on another GPU / measured (what-if)\">predicted / measured</th>"
                    : "<th class=\"n\">error</th>");
        }
        out.append("</tr></thead><tbody>");
        for (KernelStats.DistinctKernel g : top) {
            double share = summary.kernelTimeNs() == 0 ? 0 : 100.0 * g.measuredNs / summary.kernelTimeNs();
            out.append("<tr class=\"mark\" data-key=\"").append(escape(g.name)).append("\"><td class=\"kernel\" title=\"")
                    .append(escape(g.operator.isEmpty() ? g.name : g.name + "\nlaunched by " + g.operator)).append("\">")
                    .append(escape(shorten(g.name, 140))).append("</td><td>").append(g.family.id()).append("</td><td>")
                    .append(escape(g.opMapping)).append("</td><td class=\"shapes\">").append(escape(g.shapes))
                    .append("</td><td>").append(escape(g.dataTypes)).append("</td>");
            num(g.count, count(g.count));
            num(g.measuredNs / 1000.0, Html.num(g.measuredNs / 1000.0, 3));
            num(share, Html.percent(share));
            num(g.meanNs() / 1000, Html.num(g.meanNs() / 1000, 3));
            if (g.workKnown()) {
                num(g.tflops(), Html.num(g.tflops(), 2));
                num(g.terabytesPerSecond(), Html.num(g.terabytesPerSecond(), 3));
            } else {
                out.append("<td class=\"n\" data-v=\"\" title=\"work unknown\"></td><td class=\"n\" data-v=\"\"></td>");
            }
            if (g.percentOfPeak() >= 0) {
                num(g.percentOfPeak(), Html.percent(g.percentOfPeak()));
            } else {
                out.append("<td class=\"n\" data-v=\"\"></td>");
            }
            out.append("<td>").append(g.bound().id()).append("</td>");
            if (simulated) {
                if (g.predicted()) {
                    num(g.meanPredictedNs() / 1000, Html.num(g.meanPredictedNs() / 1000, 3));
                    if (whatIf) {
                        double r = predictedToMeasured(g);
                        num(r, ratio(r));
                    } else {
                        num(g.errorPercent(), Html.signedPercent(g.errorPercent()));
                    }
                } else {
                    out.append("<td class=\"n\" data-v=\"\" title=\"").append(escape(g.simulationNote))
                            .append("\">&ndash;</td><td class=\"n\" data-v=\"\"></td>");
                }
            }
            out.append("</tr>");
        }
        out.append("</tbody></table></section>\n");
    }

    private void num(double sortValue, String shown) {
        out.append("<td class=\"n\" data-v=\"").append(Html.num(sortValue, 6)).append("\">").append(escape(shown))
                .append("</td>");
    }

    private void unknown() {
        List<KernelStats.UnknownKernel> unknown = stats.unknownKernels();
        out.append("<section id=\"unknown\"><h2>Unknown kernels</h2>");
        if (unknown.isEmpty()) {
            out.append("<p class=\"muted\">Every kernel was resolved through a kernel database.</p></section>\n");
            return;
        }
        List<KernelStats.UnknownKernel> shown = unknown.subList(0, Math.min(MAX_UNKNOWN, unknown.size()));
        long unknownNs = unknown.stream().mapToLong(u -> u.timeNs).sum();
        out.append("<p>").append(count(unknown.size())).append(" kernel names no database knows, ")
                .append(micros(unknownNs)).append(" (").append(Html.percent(coverage(unknownNs)))
                .append(" of kernel time)");
        if (shown.size() < unknown.size()) {
            out.append("; the ").append(shown.size()).append(" largest are listed");
        }
        out.append(". Complete the snippet (family, op_mapping, operands: see docs/kernels-json.md) and load it with")
                .append(" <code>--kernels FILE</code>.</p>");
        out.append("<table id=\"unknown-table\" class=\"sortable\"><thead><tr><th>kernel</th><th>launched by</th>")
                .append("<th>family (guess)</th><th class=\"n\">count</th><th class=\"n\">total us</th></tr></thead><tbody>");
        for (KernelStats.UnknownKernel u : shown) {
            out.append("<tr class=\"mark\"><td class=\"kernel\">").append(escape(u.name)).append("</td><td>")
                    .append(escape(u.operator)).append("</td><td>").append(u.family.id()).append("</td>");
            num(u.count, count(u.count));
            num(u.timeNs / 1000.0, Html.num(u.timeNs / 1000.0, 3));
            out.append("</tr>");
        }
        out.append("</tbody></table><h3>kernels.json snippet <button id=\"copy-snippet\" type=\"button\">Copy</button>")
                .append("</h3><pre id=\"kernels-snippet\">").append(escape(snippet(shown))).append("</pre></section>\n");
    }

    /** A kernels.json array with one entry per unknown kernel, to complete by hand. */
    static String snippet(List<KernelStats.UnknownKernel> unknown) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            g.writeStartArray();
            for (KernelStats.UnknownKernel u : unknown) {
                g.writeStartObject();
                g.writeStringField("kernel_name", u.name);
                if (!u.operator.isEmpty()) {
                    g.writeStringField("kernel_implementation", u.operator);
                }
                g.writeStringField("family", u.family.id());
                g.writeStringField("op_mapping", "");
                g.writeStringField("operation", "");
                g.writeArrayFieldStart("params");
                for (int i = 0; i < u.inputs.size(); i++) {
                    OperatorInput in = u.inputs.get(i);
                    g.writeStartObject();
                    g.writeNumberField("id", i);
                    g.writeStringField("role", "unknown");
                    g.writeFieldName("example_dim");
                    g.writeRawValue(in.dims().format());
                    DataType t = DataType.fromName(in.type());
                    g.writeStringField("example_dtype", t == DataType.UNKNOWN ? in.type() : t.id());
                    g.writeStringField("description", in.name().orElse(""));
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeObjectFieldStart("observed");
                g.writeNumberField("count", u.count);
                g.writeNumberField("total_duration_us", new java.math.BigDecimal(exactMicros(u.timeNs)));
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    static String shorten(String s, int max) {
        return Html.shorten(s, max);
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " in the report plugin");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
