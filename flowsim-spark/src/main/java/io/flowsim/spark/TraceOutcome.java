package io.flowsim.spark;

import io.flowsim.api.model.Bound;
import io.flowsim.api.model.EfficiencyTotals;
import io.flowsim.api.model.RunAnalysis;
import io.flowsim.api.model.Stage;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What one task made of one trace: its summary row, its kernel rows (the CSV exporter's cells, in
 * trace order) and its distinct simulation requests. A failed trace has a reason and no kernels.
 *
 * @param input                 the trace file
 * @param failureReason         empty when the trace was parsed; else one line saying why not
 * @param traceName             the trace's name (the file name without its extensions)
 * @param rank                  the trace's rank: as the trace says (its distributed info or its file name),
 *                              else {@link TraceInput#rankByName()}
 * @param rankSource            where the rank came from: {@code trace}, {@code file name} or {@code order given}
 * @param gpu                   the GPU the trace was recorded on; empty when it does not say
 * @param header                the CSV exporter's column names
 * @param kernels               one row per GPU kernel, in trace order
 * @param requests              the trace's distinct simulation requests
 * @param kernelTimeNs          the sum of kernel durations
 * @param busyTimeNs            the union of kernel intervals per device
 * @param wallTimeNs            first kernel start to last kernel end
 * @param resolvedFraction      the share of kernel time resolved from a kernel database
 * @param unresolvedKernels     kernels no resolver knew
 * @param memoryOperations      memcpy and memset operations (not in the kernels table)
 * @param analysis              the run analysis's per-stage and efficiency figures
 * @param parseMillis           the task's time for reading, resolving and exporting the trace
 */
record TraceOutcome(TraceInput input, String failureReason, String traceName, int rank, String rankSource,
                    String gpu, List<String> header, List<KernelRow> kernels, List<RequestRow> requests,
                    long kernelTimeNs, long busyTimeNs, long wallTimeNs, double resolvedFraction,
                    long unresolvedKernels, long memoryOperations, Analysis analysis, long parseMillis)
        implements Serializable {

    private static final long serialVersionUID = 2L;

    /** The rank source of a trace whose rank is its position (as the command line's run says it). */
    static final String RANK_BY_ORDER = "order given";

    TraceOutcome {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(failureReason, "failureReason");
        header = List.copyOf(header);
        kernels = List.copyOf(kernels);
        requests = List.copyOf(requests);
        Objects.requireNonNull(analysis, "analysis");
    }

    /** A trace that could not be read, with the reason. */
    static TraceOutcome failed(TraceInput input, String reason, long parseMillis) {
        return new TraceOutcome(input, reason.isBlank() ? "failed without a message" : reason,
                TraceTask.nameOf(input.fileName()), input.rankByName(), RANK_BY_ORDER, "", List.of(), List.of(),
                List.of(), 0, 0, 0, 0, 0, 0, Analysis.NONE, parseMillis);
    }

    boolean ok() {
        return failureReason.isEmpty();
    }

    /**
     * One GPU kernel.
     *
     * @param index        the kernel's index in the trace
     * @param durationNs   the measured duration
     * @param requestKey   the key of its simulation request; empty when it cannot be simulated
     * @param note         why it cannot be simulated, when so
     * @param cells        the CSV exporter's cells, in header order
     */
    record KernelRow(long index, long durationNs, String requestKey, String note, List<String> cells)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        KernelRow {
            cells = List.copyOf(cells);
        }
    }

    /**
     * One distinct simulation request.
     *
     * @param key          {@link RequestCodec#key}
     * @param targetJson   the hardware target
     * @param requestJson  the request
     */
    record RequestRow(String key, String targetJson, String requestJson) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The run analysis of one trace ({@link RunAnalysis}, as summary.json's {@code analysis}): its
     * kernels and kernel time per stage, and the share of the recorded GPU's peak, overall and per
     * stage (null when the GPU's peaks are unknown or no kernel's work is known).
     *
     * @param stages        one entry per {@link Stage}, in its order
     * @param flops         the kernels' floating-point operations, where known
     * @param bytes         the kernels' memory traffic, where known
     * @param pctOfPeak     roofline time over measured time, in percent, over the kernels with known work
     * @param bound         the bound (compute, memory, latency, ...) that most kernel time has
     */
    record Analysis(List<StageFigures> stages, double flops, double bytes, Double pctOfPeak, String bound)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        static final Analysis NONE = new Analysis(Arrays.stream(Stage.values())
                .map(s -> new StageFigures(0, 0, null)).toList(), 0, 0, null, Bound.UNKNOWN.id());

        Analysis {
            stages = List.copyOf(stages);
        }

        static Analysis of(RunAnalysis analysis) {
            Map<String, EfficiencyTotals> perStage = analysis.rollup(g -> g.stage().id());
            List<StageFigures> stages = Arrays.stream(Stage.values()).map(s -> {
                EfficiencyTotals t = perStage.getOrDefault(s.id(), EfficiencyTotals.EMPTY);
                return new StageFigures(t.count(), t.kernelTimeNs(), boxed(t.percentOfPeak()));
            }).toList();
            EfficiencyTotals total = analysis.total();
            return new Analysis(stages, total.flops(), total.bytes(), boxed(total.percentOfPeak()),
                    total.bound().id());
        }

        private static Double boxed(OptionalDouble d) {
            return d.isPresent() ? d.getAsDouble() : null;
        }
    }

    /**
     * One stage's figures in one trace.
     *
     * @param kernels       its kernels
     * @param kernelTimeNs  their measured time
     * @param pctOfPeak     their share of the GPU's peak, in percent; null when unknown
     */
    record StageFigures(long kernels, long kernelTimeNs, Double pctOfPeak) implements Serializable {
        private static final long serialVersionUID = 1L;
    }
}
