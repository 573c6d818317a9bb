package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What the runtime works out about one kernel beyond the trace and the resolvers: its serving stage,
 * the user annotation it is grouped under, its efficiency against the GPU it ran on, and how much of
 * its run it shared the GPU with kernels of other streams.
 *
 * @param stage      prefill, decode or other
 * @param annotation the innermost user annotation ({@code record_function} range) around the launch
 *                   when the run groups by annotation; empty otherwise or when there is none
 * @param efficiency the measured duration's efficiency; empty for memcpys and memsets not analysed
 * @param overlapNs  for a kernel: the time of {@code [start, start + duration)} during which at least one
 *                   kernel (collectives included) of another stream of the same device ran, in
 *                   nanoseconds (memcpys and memsets do not count); empty for memcpys and memsets and
 *                   when not computed
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record KernelAnalysis(Stage stage, String annotation, Optional<KernelEfficiency> efficiency,
                             OptionalLong overlapNs) {

    /** Nothing known: stage other, no annotation, no efficiency, no overlap. */
    public static final KernelAnalysis NONE = new KernelAnalysis(Stage.OTHER, "", Optional.empty());

    public KernelAnalysis {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(annotation, "annotation");
        Objects.requireNonNull(efficiency, "efficiency");
        Objects.requireNonNull(overlapNs, "overlapNs");
        if (overlapNs.isPresent() && overlapNs.getAsLong() < 0) {
            throw new IllegalArgumentException("negative overlap: " + overlapNs.getAsLong());
        }
    }

    /** An analysis without overlap. */
    public KernelAnalysis(Stage stage, String annotation, Optional<KernelEfficiency> efficiency) {
        this(stage, annotation, efficiency, OptionalLong.empty());
    }

    /**
     * The share of a kernel's duration shared with other streams, in percent ({@code 100 * overlap /
     * duration}); empty without an overlap or for a zero-length kernel (nothing can overlap it).
     *
     * @param durationNs the kernel's measured duration
     */
    public OptionalDouble overlapPercent(long durationNs) {
        if (overlapNs.isEmpty() || durationNs <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(100.0 * overlapNs.getAsLong() / durationNs);
    }

    /**
     * Whether the kernel ran alone on its device: its overlap is known and 0, and it lasted longer than
     * 0 (a zero-length kernel is neither isolated nor concurrent).
     *
     * @param durationNs the kernel's measured duration
     */
    public boolean isolated(long durationNs) {
        return overlapNs.isPresent() && overlapNs.getAsLong() == 0 && durationNs > 0;
    }
}
