package io.flowsim.runtime.cli;

import io.flowsim.api.Progress;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.GroupTotals;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.api.model.TraceMetadata;
import io.flowsim.runtime.pipeline.PipelineResult;
import io.flowsim.runtime.pipeline.PrintableText;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Prints a run's summary to standard output. */
final class SummaryPrinter {

    private SummaryPrinter() {
    }

    static void print(PrintStream out, PipelineResult result) {
        printSummary(out, result);
        printFiles(out, result.files());
    }

    /** The summary without the list of files written. */
    static void printSummary(PrintStream out, PipelineResult result) {
        RunSummary s = result.summary();
        TraceMetadata m = s.metadata();
        String gpu = m.devices().stream().findFirst().map(DeviceInfo::name).orElse("GPU not recorded");
        String rank = m.rank().isPresent() ? ", rank " + m.rank().getAsInt() : "";
        out.println("Trace     " + PrintableText.of(m.traceName() + " (" + gpu + rank + ")"));
        out.printf(Locale.ROOT, "Kernels   %,d; kernel time %s us, busy %s us, wall %s us%n", s.kernelCount(),
                us(s.kernelTimeNs()), us(s.busyTimeNs()), us(s.wallTimeNs()));
        if (s.memoryOperationCount() > 0) {
            out.printf(Locale.ROOT, "Memory    %,d memcpy/memset, %s us%n", s.memoryOperationCount(),
                    us(s.memoryOperationTimeNs()));
        }
        out.printf(Locale.ROOT, "Resolved  %.1f%% of kernel time through kernel databases; %,d kernel names "
                + "not in a database (%,d kernels unresolved)%n", 100 * s.resolvedFraction(), s.unknownKernelNames(),
                s.unresolvedKernelCount());
        if (!s.perFamily().isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (GroupTotals g : s.perFamily()) {
                parts.add(String.format(Locale.ROOT, "%s %s us (%d)", g.group(), us(g.kernelTimeNs()), g.count()));
            }
            out.println("Families  " + PrintableText.of(String.join(", ", parts)));
        }
        s.simulation().ifPresent(sim -> printSimulation(out, s, sim));
    }

    /** "Wrote" and one file per line. */
    static void printFiles(PrintStream out, List<Path> files) {
        String label = "Wrote     ";
        for (Path f : files) {
            out.println(label + PrintableText.of(f));
            label = "          ";
        }
    }

    static void printSimulation(PrintStream out, RunSummary s, SimulationSummary sim) {
        out.println();
        out.printf(Locale.ROOT, "Simulated %s with backend %s: %,d kernels predicted, %,d unsupported, %,d failed "
                        + "(%,d distinct requests)%n", PrintableText.of(sim.target().name()), sim.backend(), sim.ok(),
                sim.unsupported(), sim.failed(), sim.distinctRequests());
        if (sim.target().isWhatIf()) {
            printProjection(out, s, sim);
            return;
        }
        if (sim.accuracy().isEmpty()) {
            out.println("No kernel has a prediction: no accuracy to report.");
        } else {
            // beside every row, the isolated kernels' figures, when some kernels shared their device
            boolean isolated = s.concurrency().anyConcurrent();
            Map<String, AccuracyRow> alone = new HashMap<>();
            s.concurrency().isolatedAccuracy().forEach(r -> alone.put(r.group(), r));
            List<String[]> rows = new ArrayList<>();
            List<String> header = new ArrayList<>(List.of("family", Progress.KERNELS, "measured us", "predicted us",
                    "total err", "median |err|", "p90 |err|", "time-weighted |err|"));
            if (isolated) {
                header.addAll(ISOLATED_COLUMNS);
            }
            rows.add(header.toArray(String[]::new));
            for (AccuracyRow r : sim.accuracy()) {
                List<String> row = new ArrayList<>(List.of(r.group(), String.format(Locale.ROOT, "%,d", r.count()),
                        us(r.measuredNs()), us(r.predictedNs()), pct(r.totalErrorPercent(), true),
                        pct(r.medianAbsErrorPercent(), false), pct(r.p90AbsErrorPercent(), false),
                        pct(r.timeWeightedAbsErrorPercent(), false)));
                if (isolated) {
                    AccuracyRow a = alone.get(r.group());
                    row.addAll(a == null ? List.of("0", "0.0%", "-", "-") : List.of(
                            String.format(Locale.ROOT, "%,d", a.count()),
                            pct(r.measuredNs() == 0 ? 0 : 100.0 * a.measuredNs() / r.measuredNs(), false),
                            pct(a.medianAbsErrorPercent(), false), pct(a.totalErrorPercent(), true)));
                }
                rows.add(row.toArray(String[]::new));
            }
            boolean[] right = new boolean[header.size()];
            java.util.Arrays.fill(right, 1, right.length, true);
            TextTable.print(out, rows, right);
            if (isolated) {
                out.printf(Locale.ROOT, "Isolated: kernels no kernel of another stream of their device overlapped"
                        + " (CSV column Overlap); share = their part of the row's measured time. %,d of %,d kernels"
                        + " overlapped another stream (%s us of kernel time, %s us of it shared)%n",
                        s.concurrency().concurrentKernelCount(), s.kernelCount(),
                        us(s.concurrency().concurrentKernelTimeNs()), us(s.concurrency().overlapTimeNs()));
            }
        }
        long unpredicted = s.kernelTimeNs() - allRow(sim).map(AccuracyRow::measuredNs).orElse(0L);
        out.printf(Locale.ROOT, "End to end: measured kernel time %s us, predicted %s us; %s us of measured time "
                + "has no prediction (coverage %.1f%% of the kernel time)%n", us(s.kernelTimeNs()),
                us(sim.predictedKernelTimeNs()), us(unpredicted),
                s.kernelTimeNs() == 0 ? 0.0 : 100.0 * (s.kernelTimeNs() - unpredicted) / s.kernelTimeNs());
        for (String note : sim.notes()) {
            out.println("Note: " + PrintableText.of(note));
        }
    }

    /**
     * A what-if run (the trace was recorded on another GPU than the one simulated): the measured and the
     * predicted times are of two GPUs, so their difference is a projection, never an error. Same rows and
     * coverage as the accuracy table, with the ratio of the two in place of the error columns.
     */
    private static void printProjection(PrintStream out, RunSummary s, SimulationSummary sim) {
        String recorded = PrintableText.of(sim.target().traceDevice().orElseThrow().name());
        String target = PrintableText.of(sim.target().name());
        out.println("What-if: the trace was recorded on " + recorded + "; predictions are for " + target
                + ". Predicted against measured compares two GPUs: a projection, not an accuracy figure.");
        if (sim.accuracy().isEmpty()) {
            out.println("No kernel has a prediction: nothing to project.");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"family", Progress.KERNELS, "measured on " + recorded + " us",
                "predicted on " + target + " us", "predicted/measured"});
            for (AccuracyRow r : sim.accuracy()) {
                rows.add(new String[] {r.group(), String.format(Locale.ROOT, "%,d", r.count()), us(r.measuredNs()),
                    us(r.predictedNs()), ratio(r.predictedNs(), r.measuredNs())});
            }
            boolean[] right = new boolean[5];
            java.util.Arrays.fill(right, 1, right.length, true);
            TextTable.print(out, rows, right);
        }
        Optional<AccuracyRow> all = allRow(sim);
        long projected = all.map(AccuracyRow::measuredNs).orElse(0L);
        long predicted = all.map(AccuracyRow::predictedNs).orElse(0L);
        out.printf(Locale.ROOT, "End to end (what-if): measured kernel time on %s %s us; the kernels with a prediction,"
                + " %s us of it, are predicted at %s us on %s (%s); %s us of measured time has no prediction"
                + " (coverage %.1f%% of the kernel time)%n", recorded, us(s.kernelTimeNs()), us(projected),
                us(predicted), target, ratio(predicted, projected), us(s.kernelTimeNs() - projected),
                s.kernelTimeNs() == 0 ? 0.0 : 100.0 * projected / s.kernelTimeNs());
        for (String note : sim.notes()) {
            out.println("Note: " + PrintableText.of(note));
        }
    }

    /** The accuracy table's row over every kernel with a prediction ({@code all}), when there is one. */
    private static Optional<AccuracyRow> allRow(SimulationSummary sim) {
        return sim.accuracy().stream().filter(r -> r.group().equals("all")).findFirst();
    }

    /** {@code 3.00x}: predicted over measured; {@code -} when nothing was measured. */
    static String ratio(long predictedNs, long measuredNs) {
        return measuredNs == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", (double) predictedNs / measuredNs);
    }

    /** The isolated kernels' columns of the accuracy table. */
    static final List<String> ISOLATED_COLUMNS = List.of("isolated", "share", "iso median |err|", "iso total err");

    static String us(long ns) {
        return String.format(Locale.ROOT, "%,.1f", ns / 1000.0);
    }

    static String pct(double value, boolean signed) {
        return String.format(Locale.ROOT, signed ? "%+.1f%%" : "%.1f%%", value);
    }
}
