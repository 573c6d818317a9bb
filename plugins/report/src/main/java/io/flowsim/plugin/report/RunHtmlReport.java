package io.flowsim.plugin.report;

import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.EfficiencyTotals;
import io.flowsim.api.model.NamedTotals;
import io.flowsim.api.model.RunResults;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.api.model.TraceMetadata;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import static io.flowsim.plugin.report.Html.count;
import static io.flowsim.plugin.report.Html.escape;
import static io.flowsim.plugin.report.Html.exactMicros;
import static io.flowsim.plugin.report.Html.micros;

/**
 * Renders the run's report.html for a run of several traces: the ranks and traces (each linking to
 * its own report), the run's totals as {@code run.json} has them ({@code data-total} = the path in
 * run.json, {@code data-value} = the exact value), kernel time per rank, time by stage and family
 * over the run, collective transfer against wait per rank, and the top kernels with their
 * efficiency. Self-contained like the trace report.
 */
final class RunHtmlReport {

    private static final String COMPUTE = "#4e79a7";
    private static final String TRANSFER = "#e15759";
    private static final String WAIT = "#f1ce63";

    private final RunResults run;
    private final Predicate<String> hasTraceReport;
    private final StringBuilder out = new StringBuilder(1 << 15);

    private RunHtmlReport(RunResults run, Predicate<String> hasTraceReport) {
        this.run = run;
        this.hasTraceReport = hasTraceReport;
    }

    /**
     * The complete page.
     *
     * @param hasTraceReport whether a trace's folder holds its own report.html (to link it)
     */
    static String render(RunResults run, Predicate<String> hasTraceReport) {
        return new RunHtmlReport(run, hasTraceReport).page();
    }

    private String page() {
        String title = count(run.traces().size()) + " traces, " + count(run.perRank().size())
                + (run.perRank().size() == 1 ? " rank" : " ranks");
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<link rel=\"icon\" href=\"data:,\">")
                .append("<title>FlowSim run report: ").append(escape(title)).append("</title><style>")
                .append(HtmlReport.CSS).append("</style></head><body>\n");
        out.append("<header><h1>FlowSim run report</h1><p>").append(escape(title)).append("</p></header>\n");
        out.append("<nav><a href=\"#run\">Run</a><a href=\"#totals\">End to end</a><a href=\"#ranks\">Ranks</a>")
                .append("<a href=\"#time\">Stages</a><a href=\"#collectives\">Collectives</a>")
                .append("<a href=\"#kernels\">Top kernels</a></nav>\n<main>\n");
        runSection();
        totals();
        ranks();
        stages();
        collectives();
        topKernels();
        out.append("</main>\n<div id=\"tip\" hidden></div>\n<script>").append(HtmlReport.SCRIPT).append("</script>\n")
                .append("</body></html>\n");
        return out.toString();
    }

    private void runSection() {
        out.append("<section id=\"run\"><h2>Run</h2><table class=\"kv\">");
        kv("Traces", escape(count(run.traces().size())));
        kv("Ranks", escape(run.perRank().stream().map(r -> Integer.toString(r.rank())).reduce((a, b) -> a + ", " + b)
                .orElse("none")));
        Set<String> gpus = new LinkedHashSet<>();
        for (RunResults.TraceResult t : run.traces()) {
            gpus.add(gpu(t.summary().metadata()));
        }
        kv("GPU", escape(String.join(", ", gpus)));
        kv("Stages", escape(AnalysisViews.stagesLine(run.analysis())));
        kv("GPU peaks (roofline)", escape(AnalysisViews.peaks(run.analysis().peaks())));
        Optional<SimulationSummary> sim = run.traces().stream().map(t -> t.summary().simulation())
                .flatMap(Optional::stream).findFirst();
        if (sim.isPresent()) {
            kv("Backend", escape(sim.get().backend()));
            kv("Simulated GPU", escape(sim.get().target().name()));
        } else {
            kv("Simulation", "none: this is the report of <code>flowsim parse</code>");
        }
        if (!run.notes().isEmpty()) {
            kv("Notes", run.notes().stream().map(Html::escape).reduce((a, b) -> a + "<br>" + b).orElse(""));
        }
        out.append("</table><h3>Traces</h3><table id=\"traces-table\" class=\"sortable\"><thead><tr><th>trace</th>")
                .append("<th class=\"n\">rank</th><th>GPU</th><th>stage</th><th class=\"n\">kernels</th>")
                .append("<th class=\"n\">kernel time us</th>");
        if (run.simulated()) {
            out.append("<th class=\"n\">predicted us</th>");
        }
        out.append("</tr></thead><tbody>");
        for (RunResults.TraceResult t : run.traces()) {
            RunSummary s = t.summary();
            String name = escape(t.name());
            String link = !t.folder().isEmpty() && hasTraceReport.test(t.folder())
                    ? "<a href=\"" + escape(encode(t.folder())) + "/" + HtmlReportExporter.FILE_NAME + "\">" + name + "</a>"
                    : name;
            out.append("<tr class=\"mark\" data-key=\"").append(name).append("\"><td class=\"kernel\">").append(link)
                    .append("</td>");
            num(t.rank(), Integer.toString(t.rank()));
            out.append("<td>").append(escape(gpu(s.metadata()))).append("</td><td>")
                    .append(escape(s.metadata().properties().getOrDefault(TraceMetadata.STAGE, ""))).append("</td>");
            num(s.kernelCount(), count(s.kernelCount()));
            num(s.kernelTimeNs() / 1000.0, Html.num(s.kernelTimeNs() / 1000.0, 3));
            if (run.simulated()) {
                long p = s.simulation().map(SimulationSummary::predictedKernelTimeNs).orElse(0L);
                num(p / 1000.0, Html.num(p / 1000.0, 3));
            }
            out.append("</tr>");
        }
        out.append("</tbody></table></section>\n");
    }

    private static String gpu(TraceMetadata m) {
        return m.devices().stream().findFirst().map(DeviceInfo::name).filter(n -> !n.isBlank()).orElse("(not recorded)");
    }

    /** A folder name as a relative URL path segment. */
    private static String encode(String folder) {
        return java.net.URLEncoder.encode(folder, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The measured time of the kernels with a prediction, over every trace: the coverage of the predicted time. */
    private long predictedKernelsMeasuredNs() {
        return run.traces().stream().map(t -> t.summary().simulation()).flatMap(Optional::stream)
                .flatMap(s -> s.accuracy().stream().filter(r -> r.group().equals("all")))
                .mapToLong(r -> r.measuredNs()).sum();
    }

    private long kernelTimeNs() {
        return run.perRank().stream().mapToLong(RunResults.RankTotals::kernelTimeNs).sum();
    }

    private void totals() {
        long measured = kernelTimeNs();
        RunResults.CollectiveTotals c = run.collectives();
        out.append("<section id=\"totals\"><h2>End to end</h2>");
        if (run.simulated()) {
            long predicted = run.perRank().stream().mapToLong(RunResults.RankTotals::predictedNs).sum();
            EfficiencyTotals t = run.analysis().total();
            double coverage = measured == 0 ? 0 : 100.0 * predictedKernelsMeasuredNs() / measured;
            out.append("<p class=\"headline\">Measured kernel time over every rank <b>").append(micros(measured))
                    .append("</b>, predicted <b>").append(micros(predicted)).append("</b>; ")
                    .append(count(t.predictedCount())).append(" of ").append(count(t.count()))
                    .append(" kernels have a prediction, covering <b>").append(Html.percent(coverage))
                    .append("</b> of measured kernel time.</p>");
        }
        out.append("<table id=\"totals-table\"><thead><tr><th>total</th><th class=\"n\">value</th></tr></thead><tbody>");
        total("end_to_end.measured_kernel_time_us", "kernel time, every rank", exactMicros(measured), micros(measured));
        if (c.waitSeparated()) {
            total("end_to_end.collective_wait_us", "of which collectives waited for other ranks", exactMicros(c.waitNs()),
                    micros(c.waitNs()));
            total("end_to_end.measured_without_collective_wait_us", "kernel time without that wait",
                    exactMicros(measured - c.waitNs()), micros(measured - c.waitNs()));
        }
        if (run.simulated()) {
            long predicted = run.perRank().stream().mapToLong(RunResults.RankTotals::predictedNs).sum();
            total("end_to_end.predicted_kernel_time_us", "predicted kernel time, every rank", exactMicros(predicted),
                    micros(predicted));
        }
        total("collectives.matched_calls", "collective calls matched across ranks", Long.toString(c.matchedCalls()),
                count(c.matchedCalls()));
        total("collectives.transfer_time_us", "their transfer time (one per call)", exactMicros(c.transferNs()),
                micros(c.transferNs()));
        total("collectives.wait_time_us", "wait, summed over ranks", exactMicros(c.waitNs()), micros(c.waitNs()));
        EfficiencyRows.add(run.analysis().total(), run.analysis().total().kernelTimeNs(), this::total);
        out.append("</tbody></table></section>\n");
    }

    private void ranks() {
        out.append("<section id=\"ranks\"><h2>Ranks</h2><p class=\"note\">Kernel time per rank: collectives matched"
                + " across ranks split into transfer and waiting for the last rank to arrive; the rest is every other"
                + " kernel (and collectives no call matched).</p>");
        List<Charts.Bar> bars = new ArrayList<>();
        for (RunResults.RankTotals r : run.perRank()) {
            String label = "rank " + r.rank();
            long other = r.kernelTimeNs() - r.collectiveTimeNs();
            List<Charts.Segment> segments = new ArrayList<>();
            segments.add(new Charts.Segment("kernels", "other kernels", Math.max(other, 0), COMPUTE, label
                    + "\nkernels other than matched collectives: " + micros(other) + "\n" + count(r.kernelCount())
                    + " kernels in all, " + micros(r.kernelTimeNs()) + (run.simulated() ? "\npredicted "
                    + micros(r.predictedNs()) : "")));
            segments.add(new Charts.Segment("transfer", "collective transfer", r.transferNs(), TRANSFER, label
                    + "\ncollective transfer " + micros(r.transferNs())));
            segments.add(new Charts.Segment("wait", "collective wait", r.waitNs(), WAIT, label + "\nwaiting for other"
                    + " ranks " + micros(r.waitNs())));
            bars.add(new Charts.Bar(label, segments));
        }
        out.append(Charts.legendOf(bars)).append(Charts.stackedBars("chart-ranks", "Kernel time per rank", bars));
        out.append("<table id=\"ranks-table\"><thead><tr><th>rank</th><th>traces</th><th class=\"n\">kernels</th>")
                .append("<th class=\"n\">kernel time</th><th class=\"n\">busy time</th>");
        if (run.simulated()) {
            out.append("<th class=\"n\">predicted</th>");
        }
        out.append("<th class=\"n\">matched collectives</th><th class=\"n\">of which wait</th>")
                .append("<th class=\"n\">last to arrive</th></tr></thead><tbody>");
        for (int i = 0; i < run.perRank().size(); i++) {
            RunResults.RankTotals r = run.perRank().get(i);
            String p = "per_rank." + i + ".";
            out.append("<tr><td>").append(r.rank()).append("</td><td>").append(escape(String.join(", ", r.traces())))
                    .append("</td>");
            cell(p + "kernel_count", Long.toString(r.kernelCount()), count(r.kernelCount()));
            cell(p + "kernel_time_us", exactMicros(r.kernelTimeNs()), micros(r.kernelTimeNs()));
            cell(p + "busy_time_us", exactMicros(r.busyTimeNs()), micros(r.busyTimeNs()));
            if (run.simulated()) {
                cell(p + "predicted_kernel_time_us", exactMicros(r.predictedNs()), micros(r.predictedNs()));
            }
            cell(p + "matched_collective_time_us", exactMicros(r.collectiveTimeNs()), micros(r.collectiveTimeNs()));
            cell(p + "collective_wait_us", exactMicros(r.waitNs()), micros(r.waitNs()));
            out.append("<td class=\"n\">").append(count(r.lastArrivals())).append(" calls</td></tr>");
        }
        out.append("</tbody></table></section>\n");
    }

    private void stages() {
        out.append("<section id=\"time\"><h2>Time by stage and family</h2><p class=\"note\">Over every trace of the run.")
                .append("</p>");
        out.append(AnalysisViews.stageChart("chart-stage", run.analysis(), run.simulated()));
        out.append("</section>\n");
    }

    private void collectives() {
        RunResults.CollectiveTotals c = run.collectives();
        out.append("<section id=\"collectives\"><h2>Collectives</h2>");
        if (!c.waitSeparated()) {
            out.append("<p class=\"muted\" id=\"chart-collectives-none\">Transfer and wait are told apart only across"
                    + " several ranks; this run has one.</p></section>\n");
            return;
        }
        out.append("<p class=\"note\">Each collective call is matched across the ranks of its process group. Its transfer"
                + " time is the shortest duration over the ranks (the longest for all-to-all and send/receive); the"
                + " rest of each rank's duration is waiting for the last rank to arrive. ")
                .append(count(c.matchedCalls())).append(" calls matched, transfer ").append(micros(c.transferNs()))
                .append(", wait ").append(micros(c.waitNs())).append(" over all ranks.</p>");
        List<Charts.Bar> bars = new ArrayList<>();
        for (RunResults.RankTotals r : run.perRank()) {
            String label = "rank " + r.rank();
            double share = r.collectiveTimeNs() == 0 ? 0 : 100.0 * r.waitNs() / r.collectiveTimeNs();
            String tail = "\n" + Html.percent(share) + " of its collective time waiting; last to arrive in "
                    + count(r.lastArrivals()) + " of " + count(c.matchedCalls()) + " calls";
            bars.add(new Charts.Bar(label, List.of(
                    new Charts.Segment("transfer", "transfer", r.transferNs(), TRANSFER, label + "\ntransfer "
                            + micros(r.transferNs()) + tail),
                    new Charts.Segment("wait", "wait", r.waitNs(), WAIT, label + "\nwait " + micros(r.waitNs()) + tail))));
        }
        out.append(Charts.legendOf(bars)).append(Charts.stackedBars("chart-collectives",
                "Collective transfer against wait per rank", bars));
        List<String> notes = new ArrayList<>(c.notes());
        c.unmatchedByRank().forEach((rank, n) -> {
            if (n > 0) {
                notes.add("rank " + rank + ": " + n + " collective kernels matched no call");
            }
        });
        if (!notes.isEmpty()) {
            out.append("<p class=\"note\">").append(notes.stream().map(Html::escape).reduce((a, b) -> a + "<br>" + b)
                    .orElse("")).append("</p>");
        }
        out.append("</section>\n");
    }

    private void topKernels() {
        List<NamedTotals> top = run.analysis().topByTime();
        long all = kernelTimeNs();
        out.append("<section id=\"kernels\"><h2>Top kernels</h2><p class=\"note\">Kernel names with the most measured")
                .append(" time over the run (drawn from each trace's 20 largest); open a trace's report for shapes.")
                .append(" Click a column to sort.</p>");
        out.append("<table id=\"kernels-table\" class=\"sortable\"><thead><tr><th>kernel</th><th>family</th>")
                .append("<th class=\"n\">count</th><th class=\"n\">total us</th><th class=\"n\">share</th>")
                .append("<th class=\"n\">TFLOP/s</th><th class=\"n\">TB/s</th><th class=\"n\">% of peak</th><th>bound</th>");
        if (run.simulated()) {
            out.append("<th class=\"n\">predicted us</th>");
        }
        out.append("</tr></thead><tbody>");
        for (NamedTotals n : top) {
            EfficiencyTotals t = n.totals();
            out.append("<tr class=\"mark\" data-key=\"").append(escape(n.name())).append("\"><td class=\"kernel\" title=\"")
                    .append(escape(n.name())).append("\">").append(escape(HtmlReport.shorten(n.name(), 140)))
                    .append("</td><td>").append(escape(n.family())).append("</td>");
            num(t.count(), count(t.count()));
            num(t.kernelTimeNs() / 1000.0, Html.num(t.kernelTimeNs() / 1000.0, 3));
            double share = all == 0 ? 0 : 100.0 * t.kernelTimeNs() / all;
            num(share, Html.percent(share));
            if (t.workTimeNs() > 0) {
                num(t.flopsPerSecond() / 1e12, Html.num(t.flopsPerSecond() / 1e12, 2));
                num(t.bytesPerSecond() / 1e12, Html.num(t.bytesPerSecond() / 1e12, 3));
            } else {
                out.append("<td class=\"n\" data-v=\"\"></td><td class=\"n\" data-v=\"\"></td>");
            }
            if (t.percentOfPeak().isPresent()) {
                num(t.percentOfPeak().getAsDouble(), Html.percent(t.percentOfPeak().getAsDouble()));
            } else {
                out.append("<td class=\"n\" data-v=\"\"></td>");
            }
            out.append("<td>").append(t.bound().id()).append("</td>");
            if (run.simulated()) {
                // no prediction is no time, not 0; a part predicted says how many of the kernels its time sums
                if (t.predictedCount() == 0) {
                    out.append("<td class=\"n\" data-v=\"\"></td>");
                } else {
                    num(t.predictedNs() / 1000.0, Html.num(t.predictedNs() / 1000.0, 3)
                            + (t.predictedCount() < t.count() ? " (" + count(t.predictedCount()) + " of "
                            + count(t.count()) + ")" : ""));
                }
            }
            out.append("</tr>");
        }
        out.append("</tbody></table></section>\n");
    }

    private void kv(String key, String html) {
        out.append("<tr><th>").append(escape(key)).append("</th><td>").append(html).append("</td></tr>");
    }

    private void total(String key, String label, String exact, String shown) {
        out.append("<tr><td>").append(escape(label)).append("</td>");
        cell(key, exact, shown);
        out.append("</tr>");
    }

    private void cell(String key, String exact, String shown) {
        out.append("<td class=\"n\" data-total=\"").append(key).append("\" data-value=\"").append(escape(exact))
                .append("\">").append(escape(shown)).append("</td>");
    }

    private void num(double sortValue, String shown) {
        out.append("<td class=\"n\" data-v=\"").append(Html.num(sortValue, 6)).append("\">").append(escape(shown))
                .append("</td>");
    }
}
