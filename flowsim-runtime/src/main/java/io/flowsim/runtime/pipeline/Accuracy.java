package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.AccuracyRow;
import org.hipparchus.stat.descriptive.rank.Percentile;

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
        double[] valid = Arrays.copyOf(errors, n);
        double weighted = measuredTotal == 0 ? 0 : 100.0 * absDiffTotal / measuredTotal;
        return new AccuracyRow(group, measuredNs.length, percentile(valid, 50), percentile(valid, 90), weighted,
                measuredTotal, predictedTotal);
    }

    /**
     * The p-th percentile (0 &lt; p &le; 100) by linear interpolation between closest ranks (Hyndman
     * and Fan's type 7, the default of R and NumPy), computed by Hipparchus; 0 for no values.
     */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return 0;
        }
        return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(values, p);
    }
}
