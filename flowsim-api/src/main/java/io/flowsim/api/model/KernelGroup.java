package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;

/**
 * The finest grouping a run summary keeps: kernels of one stage, family, op mapping and (when the
 * run groups by annotation) user annotation. Coarser views (per stage, per family, ...) are sums of
 * these rows, see {@link RunAnalysis#rollup}.
 *
 * @param stage      prefill, decode or other
 * @param family     the operation family id
 * @param op         the op mapping ({@code (none)} when unresolved)
 * @param annotation the user annotation, or empty
 * @param totals     the group's totals
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record KernelGroup(Stage stage, String family, String op, String annotation, EfficiencyTotals totals) {
    public KernelGroup {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(annotation, "annotation");
        Objects.requireNonNull(totals, "totals");
    }
}
