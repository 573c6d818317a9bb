package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;

/**
 * Totals of the kernels with one name (for the "top kernels" tables).
 *
 * @param name   the kernel name
 * @param family its family id
 * @param totals the totals of every kernel with the name
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record NamedTotals(String name, String family, EfficiencyTotals totals) {
    public NamedTotals {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(totals, "totals");
    }
}
