package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;
import java.util.Optional;

/**
 * The GPU to simulate.
 *
 * @param name        the requested GPU ({@code --gpu}), or the trace's device name by default
 *                    ({@code NVIDIA H200}); backends map it to their own hardware descriptions and
 *                    fail with a clear message when they do not know it
 * @param traceDevice the device the trace was recorded on, when known
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record HardwareTarget(String name, Optional<DeviceInfo> traceDevice) {
    public HardwareTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(traceDevice, "traceDevice");
        if (name.isBlank()) {
            throw new IllegalArgumentException("hardware target name is blank");
        }
    }

    /** Whether the target is the GPU the trace was recorded on (not a what-if). */
    public boolean isTraceDevice() {
        return traceDevice.map(d -> d.name().equals(name)).orElse(false);
    }
}
