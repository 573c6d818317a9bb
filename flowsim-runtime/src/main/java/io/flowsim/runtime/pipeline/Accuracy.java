package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.AccuracyRow;

import java.util.Arrays;

/** Accuracy statistics of predictions against measurements. */
public final class Accuracy {

    private Accuracy() {
    }

    /**
     * Computes one accuracy row. Pairs with a measured duration of 0 count in the totals but not in
     * the percentage statistics (a percentage of 0 is undefined).
     *
     * @param group       the group's name
     * @param measuredNs  measured durations
     * @param predictedNs predicted durations, pairwise with {@code measuredNs}
     */
    public static AccuracyRow row(String group, long[] measuredNs, long[] predictedNs) {
        if (measuredNs.length != predictedNs.length) {
            throw new IllegalArgumentException("measured and predicted differ in length");
        }
        double[] errors = new double[measuredNs.length];
        int n = 0;
        long measuredTotal = 0;
        long predictedTotal = 0;
        double absDiffTotal = 0;
        for (int i = 0; i < measuredNs.length; i++) {
            measuredTotal += measuredNs[i];
            predictedTotal += predictedNs[i];
            absDiffTotal += Math.abs((double) predictedNs[i] - measuredNs[i]);
            if (measuredNs[i] > 0) {
                errors[n++] = 100.0 * Math.abs((double) predictedNs[i] - measuredNs[i]) / measuredNs[i];
            }
        }
        double[] sorted = Arrays.copyOf(errors, n);
        Arrays.sort(sorted);
        double weighted = measuredTotal == 0 ? 0 : 100.0 * absDiffTotal / measuredTotal;
        return new AccuracyRow(group, measuredNs.length, percentile(sorted, 50), percentile(sorted, 90), weighted,
                measuredTotal, predictedTotal);
    }

    /** The p-th percentile of sorted values by linear interpolation; 0 for no values. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        double rank = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
