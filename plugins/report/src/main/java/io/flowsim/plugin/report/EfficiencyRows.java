package io.flowsim.plugin.report;

import io.flowsim.api.model.EfficiencyTotals;

import static io.flowsim.plugin.report.Html.exactMicros;
import static io.flowsim.plugin.report.Html.micros;

/** The efficiency totals' rows of a totals table, the same on the trace's page and the run's page. */
final class EfficiencyRows {

    /** One row: {@code key} names the summary.json / run.json field the exact value comes from. */
    @FunctionalInterface
    interface Row {
        void add(String key, String label, String exact, String shown);
    }

    private EfficiencyRows() {
    }

    /**
     * The {@code analysis.total.*} rows of {@code work}, nothing when no kernel has known work; the
     * time they cover is stated as a share of {@code kernelTimeNs}.
     */
    static void add(EfficiencyTotals work, long kernelTimeNs, Row row) {
        if (work.count() == 0) {
            return;
        }
        row.add("analysis.total.work_known_time_us", "kernel time with known work (FLOPs, bytes)",
                exactMicros(work.workTimeNs()), micros(work.workTimeNs()) + " ("
                        + coverage(work.workTimeNs(), kernelTimeNs) + " coverage)");
        row.add("analysis.total.achieved_tflops", "achieved TFLOP/s over that time",
                Double.toString(work.flopsPerSecond() / 1e12), Html.num(work.flopsPerSecond() / 1e12, 2));
        row.add("analysis.total.achieved_tb_per_s", "achieved TB/s over that time",
                Double.toString(work.bytesPerSecond() / 1e12), Html.num(work.bytesPerSecond() / 1e12, 3));
        if (work.percentOfPeak().isPresent()) {
            row.add("analysis.total.percent_of_peak", "% of peak (roofline time / measured time, over "
                            + coverage(work.rooflineCoveredNs(), kernelTimeNs) + " of kernel time)",
                    Double.toString(work.percentOfPeak().getAsDouble()),
                    Html.percent(work.percentOfPeak().getAsDouble()));
        }
    }

    private static String coverage(long ns, long kernelTimeNs) {
        return Html.percent(kernelTimeNs == 0 ? 0 : 100.0 * ns / kernelTimeNs);
    }
}
