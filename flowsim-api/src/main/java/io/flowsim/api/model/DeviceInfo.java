package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Map;
import java.util.Objects;

/**
 * A GPU as the trace describes it ({@code deviceProperties}).
 *
 * @param id               the device index
 * @param name             the device name ({@code NVIDIA H200}, {@code NVIDIA A100-SXM4-80GB})
 * @param smCount          streaming multiprocessors, or 0 when unknown
 * @param totalMemoryBytes device memory in bytes, or 0 when unknown
 * @param computeMajor     compute capability major version, or 0 when unknown
 * @param computeMinor     compute capability minor version
 * @param properties       every other recorded property, as strings
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record DeviceInfo(int id, String name, int smCount, long totalMemoryBytes, int computeMajor,
                         int computeMinor, Map<String, String> properties) {
    public DeviceInfo {
        Objects.requireNonNull(name, "name");
        properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
    }

    /** {@code major.minor}, e.g. {@code 9.0}. */
    public String computeCapability() {
        return computeMajor + "." + computeMinor;
    }
}
