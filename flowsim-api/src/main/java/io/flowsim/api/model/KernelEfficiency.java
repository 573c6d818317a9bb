package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How close one kernel came to its GPU's limits: achieved FLOP/s and bytes per second, the roofline
 * time (the shortest its work could take at the GPU's peaks) and what bounds it.
 *
 * <p>Roofline time is {@code max(flops / peak FLOP/s of its type, bytes / memory bandwidth)}, or for
 * a collective {@code link bytes / link bandwidth}; percent of peak is {@code roofline / duration}.
 * The bound is the roofline's larger term ({@link Bound#NETWORK} for a collective), except that a kernel
 * (collectives included) shorter than
 * {@link #LATENCY_LIMIT_NS} whose roofline is under a quarter of its duration is
 * {@link Bound#LATENCY}-bound: at that size launch and pipeline latency dominate. Without the GPU's
 * peaks (or without known work) only the achieved rates are given and the bound is
 * {@link Bound#UNKNOWN}.
 *
 * @param work          the kernel's work
 * @param durationNs    the duration the rates are computed from
 * @param flopsPerSecond achieved FLOP/s (0 when the work is unknown or the duration 0)
 * @param bytesPerSecond achieved bytes per second from or to memory (link bytes for a collective)
 * @param rooflineNs    the roofline time in nanoseconds, when the peaks and work are known
 * @param bound         what limits the kernel
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record KernelEfficiency(KernelWork work, long durationNs, double flopsPerSecond, double bytesPerSecond,
                               OptionalDouble rooflineNs, Bound bound) {

    /** Below this duration a kernel far from both roofs counts as latency-bound. */
    public static final long LATENCY_LIMIT_NS = 10_000;

    public KernelEfficiency {
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(rooflineNs, "rooflineNs");
        Objects.requireNonNull(bound, "bound");
    }

    /**
     * The efficiency of work done in {@code durationNs} on a GPU with the given peaks.
     *
     * @param peaks the GPU's peaks; empty gives achieved rates only
     */
    public static KernelEfficiency of(KernelWork work, long durationNs, Optional<GpuPeaks> peaks) {
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(peaks, "peaks");
        if (!work.known() || durationNs <= 0) {
            return new KernelEfficiency(work, Math.max(0, durationNs), 0, 0, OptionalDouble.empty(), Bound.UNKNOWN);
        }
        double seconds = durationNs * 1e-9;
        double flops = work.flops() / seconds;
        double bytes = (work.network() ? work.networkBytes() : work.bytes()) / seconds;
        if (peaks.isEmpty()) {
            return new KernelEfficiency(work, durationNs, flops, bytes, OptionalDouble.empty(),
                    work.network() ? Bound.NETWORK : Bound.UNKNOWN);
        }
        GpuPeaks p = peaks.get();
        if (work.network()) {
            if (p.networkBytesPerSecond() <= 0) {
                return new KernelEfficiency(work, durationNs, flops, bytes, OptionalDouble.empty(), Bound.NETWORK);
            }
            double link = work.networkBytes() / p.networkBytesPerSecond() * 1e9;
            return new KernelEfficiency(work, durationNs, flops, bytes, OptionalDouble.of(link),
                    latencyBound(link, durationNs) ? Bound.LATENCY : Bound.NETWORK);
        }
        OptionalDouble peakFlops = p.flops(work.computeType());
        double compute = work.flops() > 0 && peakFlops.isPresent() ? work.flops() / peakFlops.getAsDouble() * 1e9 : 0;
        double memory = work.bytes() / p.memoryBytesPerSecond() * 1e9;
        double roofline = Math.max(compute, memory);
        Bound bound = compute > memory ? Bound.COMPUTE : Bound.MEMORY;
        if (latencyBound(roofline, durationNs)) {
            bound = Bound.LATENCY;
        }
        return new KernelEfficiency(work, durationNs, flops, bytes, OptionalDouble.of(roofline), bound);
    }

    private static boolean latencyBound(double rooflineNs, long durationNs) {
        return durationNs < LATENCY_LIMIT_NS && rooflineNs < durationNs / 4.0;
    }

    /** The roofline time as a share of the duration, in percent (empty without peaks). */
    public OptionalDouble percentOfPeak() {
        if (rooflineNs.isEmpty() || durationNs <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(100.0 * rooflineNs.getAsDouble() / durationNs);
    }

    /** The time spent beyond the roofline, in nanoseconds (0 without peaks, never negative). */
    public double lostNs() {
        return rooflineNs.isEmpty() ? 0 : Math.max(0, durationNs - rooflineNs.getAsDouble());
    }
}
