package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.KernelAnalysis;
import io.flowsim.api.model.KernelEfficiency;
import io.flowsim.api.model.KernelWork;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.Stage;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Works out each kernel's stage, annotation and efficiency on the GPU it ran on, and records its overlap
 * with other streams ({@link KernelOverlap}). Thread-safe.
 */
final class KernelAnalyzer {

    private final StageClassifier stages;
    private final Optional<GpuPeaks> peaks;
    private final boolean groupByAnnotation;

    KernelAnalyzer(StageClassifier stages, Optional<GpuPeaks> peaks, boolean groupByAnnotation) {
        this.stages = stages;
        this.peaks = peaks;
        this.groupByAnnotation = groupByAnnotation;
    }

    /** @param overlapNs the kernel's overlap with other streams, {@link KernelOverlap#NONE} when it has none */
    KernelAnalysis analyze(ResolvedKernel k, long overlapNs) {
        Stage stage = stages.stage(k);
        String annotation = groupByAnnotation ? StageClassifier.annotation(k.kernel()) : "";
        KernelEfficiency efficiency = KernelEfficiency.of(KernelWork.of(k), k.kernel().durationNs(), peaks);
        return new KernelAnalysis(stage, annotation, Optional.of(efficiency),
                overlapNs < 0 ? OptionalLong.empty() : OptionalLong.of(overlapNs));
    }
}
