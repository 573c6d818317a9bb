package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;

/**
 * Accuracy of predictions against measurements for one group of kernels (a family, or all).
 *
 * @param group                     the group's name ({@code gemm}, {@code all})
 * @param count                     predictions compared
 * @param medianAbsErrorPercent     median of {@code |predicted - measured| / measured}, in percent
 * @param p90AbsErrorPercent        90th percentile of the same
 * @param timeWeightedAbsErrorPercent {@code sum |predicted - measured| / sum measured}, in percent
 * @param measuredNs                sum of measured durations of the compared kernels
 * @param predictedNs               sum of their predicted durations
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record AccuracyRow(String group, long count, double medianAbsErrorPercent, double p90AbsErrorPercent,
                          double timeWeightedAbsErrorPercent, long measuredNs, long predictedNs) {
    public AccuracyRow {
        Objects.requireNonNull(group, "group");
    }

    /** The signed error of the totals in percent: {@code 100 * (predicted - measured) / measured}. */
    public double totalErrorPercent() {
        return measuredNs == 0 ? 0 : 100.0 * (predictedNs - measuredNs) / measuredNs;
    }
}
