package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A GPU's datasheet limits, the roof of the roofline that kernel efficiency is measured against.
 * Backends provide them ({@code SimulationSession.peaks}); FlowSim never invents them.
 *
 * @param gpu                   the GPU the figures describe (a profile's display name)
 * @param flopsPerSecond        dense peak FLOP/s per element type (tensor cores where the type has
 *                              them); a missing type has no units of its own
 * @param memoryBytesPerSecond  device memory bandwidth, bytes per second (&gt; 0)
 * @param networkBytesPerSecond GPU-to-GPU link bandwidth per direction, bytes per second (0 when
 *                              unknown or absent)
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record GpuPeaks(String gpu, Map<DataType, Double> flopsPerSecond, double memoryBytesPerSecond,
                       double networkBytesPerSecond) {
    public GpuPeaks {
        Objects.requireNonNull(gpu, "gpu");
        Objects.requireNonNull(flopsPerSecond, "flopsPerSecond");
        flopsPerSecond = flopsPerSecond.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(flopsPerSecond));
        if (!(memoryBytesPerSecond > 0)) {
            throw new IllegalArgumentException("GPU " + gpu + " needs a positive memory bandwidth");
        }
        if (!(networkBytesPerSecond >= 0)) {
            throw new IllegalArgumentException("GPU " + gpu + " has a negative network bandwidth");
        }
    }

    /**
     * The peak FLOP/s for arithmetic in {@code type}; without units of its own (integer or unknown
     * types) the fp32 peak, as such work runs on the vector units.
     */
    public OptionalDouble flops(DataType type) {
        Double v = flopsPerSecond.get(type);
        if (v == null) {
            v = flopsPerSecond.get(DataType.FP32);
        }
        return v == null || v <= 0 ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** The peaks as named fields for JSON outputs: {@code gpu}, {@code tflops} per type, TB/s. */
    public Map<String, Object> fields() {
        Map<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("gpu", gpu);
        Map<String, Object> tflops = new java.util.LinkedHashMap<>();
        for (DataType t : DataType.values()) {
            Double v = flopsPerSecond.get(t);
            if (v != null) {
                tflops.put(t.id(), v / 1e12);
            }
        }
        f.put("tflops", tflops);
        f.put("memory_tb_per_s", memoryBytesPerSecond / 1e12);
        f.put("network_tb_per_s", networkBytesPerSecond / 1e12);
        return f;
    }
}
