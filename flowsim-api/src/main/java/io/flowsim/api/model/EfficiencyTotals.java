package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Time, work and efficiency summed over a group of kernels (a stage, family, op, annotation or kernel
 * name). Rates are computed over the kernels whose work is known, percent of peak over those that
 * also have a roofline, so unknown kernels never dilute them; {@link #workTimeNs()} is the coverage.
 *
 * @param count              kernels
 * @param kernelTimeNs       their measured durations
 * @param predictedCount     kernels with a prediction
 * @param predictedNs        their predicted durations
 * @param flops              FLOPs of the kernels with known work
 * @param bytes              bytes (link bytes for collectives) of the kernels with known work
 * @param workTimeNs         measured time of the kernels with known work
 * @param rooflineNs         roofline time on the recorded GPU, over kernels that have one
 * @param rooflineCoveredNs  measured time of the kernels that have a roofline
 * @param predictedRooflineNs roofline time on the simulated GPU, over predicted kernels that have one
 * @param predictedCoveredNs predicted time of those kernels
 * @param timeByBound        measured time per bound
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record EfficiencyTotals(long count, long kernelTimeNs, long predictedCount, long predictedNs, double flops,
                               double bytes, long workTimeNs, double rooflineNs, long rooflineCoveredNs,
                               double predictedRooflineNs, long predictedCoveredNs, Map<Bound, Long> timeByBound) {

    /** No kernels. */
    public static final EfficiencyTotals EMPTY = new EfficiencyTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());

    public EfficiencyTotals {
        Objects.requireNonNull(timeByBound, "timeByBound");
        timeByBound = timeByBound.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(timeByBound));
    }

    /** The sum of two groups. */
    public EfficiencyTotals plus(EfficiencyTotals o) {
        EnumMap<Bound, Long> bounds = new EnumMap<>(Bound.class);
        bounds.putAll(timeByBound);
        o.timeByBound.forEach((b, t) -> bounds.merge(b, t, Long::sum));
        return new EfficiencyTotals(count + o.count, kernelTimeNs + o.kernelTimeNs, predictedCount + o.predictedCount,
                predictedNs + o.predictedNs, flops + o.flops, bytes + o.bytes, workTimeNs + o.workTimeNs,
                rooflineNs + o.rooflineNs, rooflineCoveredNs + o.rooflineCoveredNs,
                predictedRooflineNs + o.predictedRooflineNs, predictedCoveredNs + o.predictedCoveredNs, bounds);
    }

    /** Achieved FLOP/s over the kernels with known work (0 when none). */
    public double flopsPerSecond() {
        return workTimeNs == 0 ? 0 : flops / (workTimeNs * 1e-9);
    }

    /** Achieved bytes per second over the kernels with known work (0 when none). */
    public double bytesPerSecond() {
        return workTimeNs == 0 ? 0 : bytes / (workTimeNs * 1e-9);
    }

    /** Roofline time as a share of the measured time of the kernels that have one, in percent. */
    public OptionalDouble percentOfPeak() {
        return rooflineCoveredNs == 0 ? OptionalDouble.empty()
                : OptionalDouble.of(100.0 * rooflineNs / rooflineCoveredNs);
    }

    /** The same on the simulated GPU, with predicted times. */
    public OptionalDouble predictedPercentOfPeak() {
        return predictedCoveredNs == 0 ? OptionalDouble.empty()
                : OptionalDouble.of(100.0 * predictedRooflineNs / predictedCoveredNs);
    }

    /** Measured time beyond the roofline, in nanoseconds. */
    public double lostNs() {
        return Math.max(0, rooflineCoveredNs - rooflineNs);
    }

    /** The bound that holds most of the group's time ({@link Bound#UNKNOWN} when none). */
    public Bound bound() {
        Bound best = Bound.UNKNOWN;
        long most = -1;
        for (Bound b : Bound.values()) {
            long t = timeByBound.getOrDefault(b, 0L);
            if (t > most) {
                most = t;
                best = b;
            }
        }
        return most <= 0 ? Bound.UNKNOWN : best;
    }

    /**
     * The totals as named fields, in the order and with the names every FlowSim JSON output uses
     * ({@code summary.json}, {@code run.json}, {@code compare.json}; docs/output-formats.md): times in
     * microseconds, rates in TFLOP/s and TB/s, absent figures as {@code null}. One list so that all
     * writers agree.
     *
     * @param simulated whether to include the predicted figures
     */
    public Map<String, Object> fields(boolean simulated) {
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("count", count);
        f.put("kernel_time_us", kernelTimeNs / 1000.0);
        if (simulated) {
            f.put("predicted_count", predictedCount);
            f.put("predicted_time_us", predictedNs / 1000.0);
        }
        f.put("flops", flops);
        f.put("bytes", bytes);
        f.put("work_known_time_us", workTimeNs / 1000.0);
        f.put("achieved_tflops", flopsPerSecond() / 1e12);
        f.put("achieved_tb_per_s", bytesPerSecond() / 1e12);
        f.put("roofline_time_us", rooflineCoveredNs == 0 ? null : rooflineNs / 1000.0);
        f.put("roofline_covered_time_us", rooflineCoveredNs / 1000.0);
        f.put("percent_of_peak", percentOfPeak().isPresent() ? percentOfPeak().getAsDouble() : null);
        f.put("lost_time_us", rooflineCoveredNs == 0 ? null : lostNs() / 1000.0);
        if (simulated) {
            f.put("predicted_percent_of_peak",
                    predictedPercentOfPeak().isPresent() ? predictedPercentOfPeak().getAsDouble() : null);
        }
        f.put("bound", bound().id());
        Map<String, Object> bounds = new java.util.LinkedHashMap<>();
        for (Bound b : Bound.values()) {
            Long t = timeByBound.get(b);
            if (t != null) {
                bounds.put(b.id(), t / 1000.0);
            }
        }
        f.put("time_by_bound_us", bounds);
        return f;
    }
}
