package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.Bound;
import io.flowsim.api.model.EfficiencyTotals;
import io.flowsim.api.model.GpuPeaks;
import io.flowsim.api.model.KernelEfficiency;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Sums {@link EfficiencyTotals} kernel by kernel. Not thread-safe. */
final class EfficiencyAccumulator {

    private long count;
    private long time;
    private long predictedCount;
    private long predicted;
    private double flops;
    private double bytes;
    private long workTime;
    private double roofline;
    private long rooflineCovered;
    private double predictedRoofline;
    private long predictedCovered;
    private final long[] boundTime = new long[Bound.values().length];

    /**
     * Adds one kernel.
     *
     * @param prediction  its predicted duration, or a negative value when it has none
     * @param efficiency  its measured efficiency, when analysed
     * @param targetPeaks the simulated GPU's peaks
     */
    void add(long duration, long prediction, Optional<KernelEfficiency> efficiency, Optional<GpuPeaks> targetPeaks) {
        count++;
        time += duration;
        if (prediction >= 0) {
            predictedCount++;
            predicted += prediction;
        }
        Bound bound = Bound.UNKNOWN;
        if (efficiency.isPresent()) {
            KernelEfficiency e = efficiency.get();
            bound = e.bound();
            if (e.work().known()) {
                flops += e.work().flops();
                bytes += e.work().network() ? e.work().networkBytes() : e.work().bytes();
                workTime += duration;
                if (e.rooflineNs().isPresent()) {
                    roofline += e.rooflineNs().getAsDouble();
                    rooflineCovered += duration;
                }
                if (prediction > 0 && targetPeaks.isPresent()) {
                    KernelEfficiency p = KernelEfficiency.of(e.work(), prediction, targetPeaks);
                    if (p.rooflineNs().isPresent()) {
                        predictedRoofline += p.rooflineNs().getAsDouble();
                        predictedCovered += prediction;
                    }
                }
            }
        }
        boundTime[bound.ordinal()] += duration;
    }

    EfficiencyTotals totals() {
        Map<Bound, Long> bounds = new EnumMap<>(Bound.class);
        for (Bound b : Bound.values()) {
            if (boundTime[b.ordinal()] > 0) {
                bounds.put(b, boundTime[b.ordinal()]);
            }
        }
        return new EfficiencyTotals(count, time, predictedCount, predicted, flops, bytes, workTime, roofline,
                rooflineCovered, predictedRoofline, predictedCovered, bounds);
    }
}
