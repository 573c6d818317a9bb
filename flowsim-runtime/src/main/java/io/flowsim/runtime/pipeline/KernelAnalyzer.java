package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.KernelAnalysis;
import io.flowsim.api.model.KernelEfficiency;
import io.flowsim.api.model.KernelWork;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.Stage;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Works out each kernel's stage, annotation and efficiency on the GPU it ran on, and records its overlap
 * with other streams ({@link KernelOverlap}). Thread-safe.
 *
 * <p>A kernel whose measured rates come out above {@value #IMPOSSIBLE_FACTOR} times its GPU's peaks (its
 * roofline time over {@value #IMPOSSIBLE_FACTOR} times its measured duration) did not do the work its
 * operands say in the time recorded: no cache gets a kernel that far past the datasheet (an L2 cache
 * serves two to three times the HBM bandwidth), so its shapes, its work count or its time are wrong. Its
 * work is taken as unknown, so no output prints its impossible FLOPs, bytes, TFLOP/s, TB/s or % of peak,
 * and a run whose outputs are written says once how many kernels were so
 * ({@link #impossibleWarning}). Without the GPU's peaks
 * nothing is judged.
 */
final class KernelAnalyzer {

    /** Measured rates this many times the GPU's peaks cannot be physical. */
    static final double IMPOSSIBLE_FACTOR = 10;

    private final StageClassifier stages;
    private final Optional<GpuPeaks> peaks;
    private final boolean groupByAnnotation;
    private long impossible;
    private double worstRatio;
    private String worstKernel = "";

    KernelAnalyzer(StageClassifier stages, Optional<GpuPeaks> peaks, boolean groupByAnnotation) {
        this.stages = stages;
        this.peaks = peaks;
        this.groupByAnnotation = groupByAnnotation;
    }

    /** @param overlapNs the kernel's overlap with other streams, {@link KernelOverlap#NONE} when it has none */
    KernelAnalysis analyze(ResolvedKernel k, long overlapNs) {
        Stage stage = stages.stage(k);
        String annotation = groupByAnnotation ? StageClassifier.annotation(k.kernel()) : "";
        long durationNs = k.kernel().durationNs();
        KernelEfficiency efficiency = KernelEfficiency.of(KernelWork.of(k), durationNs, peaks);
        if (efficiency.rooflineNs().isPresent() && durationNs > 0
                && efficiency.rooflineNs().getAsDouble() > IMPOSSIBLE_FACTOR * durationNs) {
            recordImpossible(efficiency.rooflineNs().getAsDouble() / durationNs, k.kernel().name());
            efficiency = KernelEfficiency.of(KernelWork.UNKNOWN, durationNs, peaks);
        }
        return new KernelAnalysis(stage, annotation, Optional.of(efficiency),
                overlapNs < 0 ? OptionalLong.empty() : OptionalLong.of(overlapNs));
    }

    private synchronized void recordImpossible(double ratio, String kernel) {
        impossible++;
        if (ratio > worstRatio) {
            worstRatio = ratio;
            // a templated kernel name runs to hundreds of characters; the warning stays one readable line
            worstKernel = kernel.length() <= 80 ? kernel : kernel.substring(0, 79) + "\u2026";
        }
    }

    /**
     * The one warning of a trace whose kernels had impossible rates, naming the trace, the GPU, the count
     * and the worst kernel; empty when there were none.
     */
    synchronized Optional<String> impossibleWarning(String trace) {
        if (impossible == 0 || peaks.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%,d kernel%s of %s ran above %.0fx the %s's peaks as their"
                        + " operands count the work (up to %,.0fx, '%s'): the shapes, the work count or the time is"
                        + " wrong, so their FLOPs, bytes, TFLOP/s, TB/s and %% of peak are left blank (work unknown)",
                impossible, impossible == 1 ? "" : "s", trace, IMPOSSIBLE_FACTOR, peaks.get().gpu(), worstRatio,
                worstKernel));
    }
}
