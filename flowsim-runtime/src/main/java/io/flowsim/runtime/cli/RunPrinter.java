package io.flowsim.runtime.cli;

import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.EfficiencyTotals;
import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.KernelGroup;
import io.flowsim.api.model.NamedTotals;
import io.flowsim.api.model.RunAnalysis;
import io.flowsim.runtime.pipeline.CollectiveMatcher;
import io.flowsim.runtime.pipeline.PrintableText;
import io.flowsim.runtime.pipeline.RunReport;
import io.flowsim.runtime.pipeline.TraceRun;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.flowsim.runtime.cli.SummaryPrinter.us;

/** Prints a run: per trace (one) or per rank (several), then stages, efficiency, top kernels and collectives. */
final class RunPrinter {

    /** Rows of each "top kernels" table. */
    static final int TOP_ROWS = 10;

    private RunPrinter() {
    }

    static void print(PrintStream out, TraceRun.Outcome outcome) {
        RunReport report = outcome.report();
        if (report.traces().size() == 1) {
            SummaryPrinter.printSummary(out, report.traces().get(0).result());
            // a single trace's run notes: only that a --gpu may or may not be the trace's own GPU
            for (String note : report.notes()) {
                out.println("Note: " + PrintableText.of(note));
            }
        } else {
            printRanks(out, report);
        }
        printAnalysis(out, report.analysis(), report.simulated());
        printCollectives(out, report);
        if (report.traces().size() > 1) {
            out.println();
            out.println("Wrote     " + PrintableText.of(outcome.runJson()));
            for (java.nio.file.Path f : outcome.runFiles()) {
                out.println("          " + PrintableText.of(f));
            }
            for (TraceRun.TraceOutcome t : report.traces()) {
                out.println("          " + PrintableText.of(t.directory()) + "/");
            }
        } else {
            out.println();
            List<java.nio.file.Path> files = new ArrayList<>(report.traces().get(0).result().files());
            files.add(outcome.runJson());
            files.addAll(outcome.runFiles());
            SummaryPrinter.printFiles(out, files);
        }
    }

    private static void printRanks(PrintStream out, RunReport report) {
        out.printf(Locale.ROOT, "Run       %d traces, %d ranks%n", report.traces().size(), report.perRank().size());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"rank", "traces", "count", "kernel us", "busy us", "collective us", "wait us"});
        for (RunReport.RankTotals r : report.perRank()) {
            String names = r.traces().size() <= 2 ? String.join(", ", r.traces())
                    : r.traces().get(0) + " and " + (r.traces().size() - 1) + " more";
            rows.add(new String[] {Integer.toString(r.rank()), names,
                String.format(Locale.ROOT, "%,d", r.kernelCount()), us(r.kernelTimeNs()), us(r.busyTimeNs()),
                us(r.collectiveTimeNs()), us(r.waitNs())});
        }
        TextTable.print(out, rows, new boolean[] {true, false, true, true, true, true, true});
        for (TraceRun.TraceOutcome t : report.traces()) {
            out.println("          rank " + t.rank() + " of " + PrintableText.of(t.name()) + " from the "
                    + t.rankSource());
        }
        for (String note : report.notes()) {
            out.println("Note: " + PrintableText.of(note));
        }
    }

    static void printAnalysis(PrintStream out, RunAnalysis a, boolean simulated) {
        if (a.groups().isEmpty()) {
            return;
        }
        out.println();
        out.println("Efficiency " + a.peaks().map(p -> "against " + describe(p))
                .orElse("(achieved rates only: the trace names no GPU with known peaks, so measured times have no"
                        + " % of peak)"));
        EfficiencyTotals total = a.total();
        Map<String, EfficiencyTotals> stages = a.rollup(g -> g.stage().id());
        List<String[]> rows = new ArrayList<>();
        rows.add(header("stage"));
        sorted(stages).forEach(e -> rows.add(row(e.getKey(), e.getValue(), total.kernelTimeNs())));
        rows.add(row("total", total, total.kernelTimeNs()));
        TextTable.print(out, rows, alignment());

        out.println();
        List<String[]> family = new ArrayList<>();
        family.add(header("stage / family"));
        sorted(a.rollup(g -> g.stage().id() + " / " + g.family()))
                .forEach(e -> family.add(row(e.getKey(), e.getValue(), total.kernelTimeNs())));
        TextTable.print(out, family, alignment());
        if (a.groupedByAnnotation()) {
            out.println();
            List<String[]> ann = new ArrayList<>();
            ann.add(header("annotation"));
            sorted(a.rollup(KernelGroup::annotation)).forEach(e -> ann.add(row(e.getKey().isEmpty() ? "(none)"
                    : e.getKey(), e.getValue(), total.kernelTimeNs())));
            TextTable.print(out, ann, alignment());
        }
        printTop(out, "Top kernels by time", a.topByTime(), total.kernelTimeNs());
        printTop(out, "Top kernels by time lost against the roofline", a.topByLostTime(), total.kernelTimeNs());
        if (simulated && a.targetPeaks().isPresent() && total.predictedPercentOfPeak().isPresent()) {
            out.printf(Locale.ROOT, "Predicted on %s: %.1f%% of peak over %s us of predicted time%n",
                    a.targetPeaks().get().gpu(), total.predictedPercentOfPeak().getAsDouble(),
                    us(total.predictedCoveredNs()));
        }
    }

    private static String describe(GpuPeaks p) {
        double bf16 = p.flopsPerSecond().entrySet().stream().filter(e -> e.getKey().id().equals("bf16"))
                .mapToDouble(Map.Entry::getValue).findFirst().orElse(0);
        return String.format(Locale.ROOT, "%s (bf16 %.0f TFLOP/s, memory %.2f TB/s, link %.2f TB/s); coverage = "
                + "share of kernel time whose FLOPs and bytes are known", p.gpu(), bf16 / 1e12,
                p.memoryBytesPerSecond() / 1e12, p.networkBytesPerSecond() / 1e12);
    }

    private static List<Map.Entry<String, EfficiencyTotals>> sorted(Map<String, EfficiencyTotals> m) {
        return m.entrySet().stream().sorted(Comparator.comparingLong(
                (Map.Entry<String, EfficiencyTotals> e) -> e.getValue().kernelTimeNs()).reversed()
                .thenComparing(Map.Entry::getKey)).toList();
    }

    private static String[] header(String first) {
        return new String[] {first, "count", "time us", "share", "coverage", "TFLOP/s", "TB/s", "% of peak",
            "lost us", "bound"};
    }

    private static boolean[] alignment() {
        return new boolean[] {false, true, true, true, true, true, true, true, true, false};
    }

    private static String[] row(String name, EfficiencyTotals t, long totalNs) {
        return new String[] {name, String.format(Locale.ROOT, "%,d", t.count()), us(t.kernelTimeNs()),
            share(t.kernelTimeNs(), totalNs), share(t.workTimeNs(), t.kernelTimeNs()),
            String.format(Locale.ROOT, "%.2f", t.flopsPerSecond() / 1e12),
            String.format(Locale.ROOT, "%.3f", t.bytesPerSecond() / 1e12),
            t.percentOfPeak().isPresent() ? String.format(Locale.ROOT, "%.1f%%", t.percentOfPeak().getAsDouble()) : "-",
            t.percentOfPeak().isPresent() ? us((long) t.lostNs()) : "-", t.bound().id()};
    }

    private static String share(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static void printTop(PrintStream out, String title, List<NamedTotals> top, long totalNs) {
        if (top.isEmpty()) {
            return;
        }
        out.println();
        out.println(title);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"kernel", "family", "count", "time us", "share", "TFLOP/s", "TB/s", "% of peak",
            "lost us", "bound"});
        for (NamedTotals t : top.subList(0, Math.min(TOP_ROWS, top.size()))) {
            EfficiencyTotals e = t.totals();
            rows.add(new String[] {abbreviate(t.name()), t.family(), String.format(Locale.ROOT, "%,d", e.count()),
                us(e.kernelTimeNs()), share(e.kernelTimeNs(), totalNs),
                String.format(Locale.ROOT, "%.2f", e.flopsPerSecond() / 1e12),
                String.format(Locale.ROOT, "%.3f", e.bytesPerSecond() / 1e12),
                e.percentOfPeak().isPresent() ? String.format(Locale.ROOT, "%.1f%%", e.percentOfPeak().getAsDouble())
                        : "-",
                e.percentOfPeak().isPresent() ? us((long) e.lostNs()) : "-", e.bound().id()});
        }
        TextTable.print(out, rows, new boolean[] {false, false, true, true, true, true, true, true, true, false});
    }

    private static String abbreviate(String name) {
        return name.length() <= 60 ? name : name.substring(0, 57) + "...";
    }

    private static void printCollectives(PrintStream out, RunReport report) {
        CollectiveMatcher.Report c = report.collectives();
        out.println();
        if (c.ranks().size() < 2) {
            boolean any = report.analysis().groups().stream().anyMatch(g -> g.family().equals("collective"));
            if (any) {
                out.println("Collectives: one rank only, so waiting for other ranks cannot be separated from the "
                        + "transfer; collective times include any wait.");
            }
        } else {
            out.printf(Locale.ROOT, "Collectives: %,d calls matched across ranks %s; transfer %s us, waiting %s us%n",
                    c.calls().size(), c.ranks(), us(c.transferNs()), us(c.waitNs()));
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"rank", "collective us", "wait us", "wait share", "last to arrive"});
            for (RunReport.RankTotals r : report.perRank()) {
                long last = c.calls().stream().filter(x -> x.lastRank() == r.rank()).count();
                rows.add(new String[] {Integer.toString(r.rank()), us(r.collectiveTimeNs()), us(r.waitNs()),
                    share(r.waitNs(), r.collectiveTimeNs()), String.format(Locale.ROOT, "%,d calls", last)});
            }
            TextTable.print(out, rows, new boolean[] {true, true, true, true, true});
            c.accuracy().ifPresent(a -> printAccuracy(out, a, report.whatIf()));
            for (String note : c.notes()) {
                out.println("Note: " + PrintableText.of(note));
            }
        }
        long measured = report.kernelTimeNs();
        long wait = c.waitNs();
        if (c.ranks().size() > 1) {
            out.printf(Locale.ROOT, "End to end: measured kernel time %s us; without collective waiting %s us%s%n",
                    us(measured), us(measured - wait), report.simulated()
                            ? "; predicted " + us(report.predictedNs()) + " us" : "");
        }
    }

    static void printAccuracy(PrintStream out, AccuracyRow a, boolean whatIf) {
        if (whatIf) {
            // the transfers were measured on the recorded GPU, predicted on another: a projection, not an error
            out.printf(Locale.ROOT, "Collective projection against transfer time (what-if, %,d calls, %s us measured on"
                    + " the recorded GPU): predicted %s us on the simulated GPU, predicted/measured %s%n", a.count(),
                    us(a.measuredNs()), us(a.predictedNs()), SummaryPrinter.ratio(a.predictedNs(), a.measuredNs()));
            return;
        }
        out.printf(Locale.ROOT, "Collective accuracy against transfer time (%,d calls, %s us measured): predicted %s us,"
                        + " total %s, median |err| %s%n", a.count(), us(a.measuredNs()), us(a.predictedNs()),
                SummaryPrinter.pct(a.totalErrorPercent(), true), SummaryPrinter.pct(a.medianAbsErrorPercent(), false));
    }
}
