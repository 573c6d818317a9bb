package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;
import java.util.Optional;

/**
 * What the runtime works out about one kernel beyond the trace and the resolvers: its serving stage,
 * the user annotation it is grouped under, and its efficiency against the GPU it ran on.
 *
 * @param stage      prefill, decode or other
 * @param annotation the innermost user annotation ({@code record_function} range) around the launch
 *                   when the run groups by annotation; empty otherwise or when there is none
 * @param efficiency the measured duration's efficiency; empty for memcpys and memsets not analysed
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record KernelAnalysis(Stage stage, String annotation, Optional<KernelEfficiency> efficiency) {

    /** Nothing known: stage other, no annotation, no efficiency. */
    public static final KernelAnalysis NONE = new KernelAnalysis(Stage.OTHER, "", Optional.empty());

    public KernelAnalysis {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(annotation, "annotation");
        Objects.requireNonNull(efficiency, "efficiency");
    }
}
