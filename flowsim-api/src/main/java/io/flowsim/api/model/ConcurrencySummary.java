package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;

/**
 * How much of a trace's kernel time ran alongside kernels of other streams of the same device (see
 * {@link KernelAnalysis#overlapNs()}), and the figures of the isolated kernels: those that ran alone,
 * the ones a model of a kernel alone on its GPU can be judged on.
 *
 * @param isolatedKernelCount   kernels longer than 0 that no kernel of another stream overlapped
 * @param isolatedKernelTimeNs  their measured time
 * @param concurrentKernelCount kernels that overlapped a kernel of another stream for some time
 * @param concurrentKernelTimeNs their measured time
 * @param overlapTimeNs         the sum of the kernels' overlaps
 * @param isolatedPerFamily     the isolated kernels' totals per family, largest time first
 * @param isolatedAccuracy      simulated runs: the accuracy of the isolated kernels with a prediction, per
 *                              family, then {@code all}, as {@link SimulationSummary#accuracy()}; empty otherwise
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record ConcurrencySummary(long isolatedKernelCount, long isolatedKernelTimeNs, long concurrentKernelCount,
                                 long concurrentKernelTimeNs, long overlapTimeNs, List<GroupTotals> isolatedPerFamily,
                                 List<AccuracyRow> isolatedAccuracy) {

    /** Nothing computed: no kernel counted either way. */
    public static final ConcurrencySummary NONE = new ConcurrencySummary(0, 0, 0, 0, 0, List.of(), List.of());

    public ConcurrencySummary {
        isolatedPerFamily = List.copyOf(Objects.requireNonNull(isolatedPerFamily, "isolatedPerFamily"));
        isolatedAccuracy = List.copyOf(Objects.requireNonNull(isolatedAccuracy, "isolatedAccuracy"));
    }

    /** Whether any kernel overlapped a kernel of another stream (else every kernel ran alone). */
    public boolean anyConcurrent() {
        return concurrentKernelCount > 0;
    }
}
