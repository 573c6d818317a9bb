package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;

/**
 * Kernel totals for one group (a family or an op mapping).
 *
 * @param group       the group's name
 * @param count       kernels in the group
 * @param kernelTimeNs sum of their measured durations
 * @param predictedNs sum of their predicted durations (0 when not simulated)
 * @param predictedCount kernels in the group with a prediction
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record GroupTotals(String group, long count, long kernelTimeNs, long predictedNs, long predictedCount) {
    public GroupTotals {
        Objects.requireNonNull(group, "group");
    }
}
