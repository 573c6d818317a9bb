package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;
import java.util.Optional;

/**
 * The GPU to simulate.
 *
 * @param name            the requested GPU ({@code --gpu}), or the trace's device name by default
 *                        ({@code NVIDIA H200}); backends map it to their own hardware descriptions and
 *                        fail with a clear message when they do not know it
 * @param traceDevice     the device the trace was recorded on, when known
 * @param sameAsTraceDevice whether the simulating backend found that {@code name} and {@code traceDevice}
 *                        are one GPU to it (one hardware description) though the names differ, as
 *                        {@code --gpu H200} for a trace recorded on {@code NVIDIA H200}; the runtime sets it
 *                        from {@link io.flowsim.api.SimulationSession#isTraceDevice}. Requires a trace device.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record HardwareTarget(String name, Optional<DeviceInfo> traceDevice, boolean sameAsTraceDevice) {
    public HardwareTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(traceDevice, "traceDevice");
        if (name.isBlank()) {
            throw new IllegalArgumentException("hardware target name is blank");
        }
        if (sameAsTraceDevice && traceDevice.isEmpty()) {
            throw new IllegalArgumentException("hardware target '" + name + "' is marked as the trace's device,"
                    + " but no trace device is known");
        }
    }

    /** A target the backend has not (yet) compared with the trace's device. */
    public HardwareTarget(String name, Optional<DeviceInfo> traceDevice) {
        this(name, traceDevice, false);
    }

    /**
     * Whether the target is the GPU the trace was recorded on (not a what-if): the backend said so
     * ({@link #sameAsTraceDevice}), or the name is the trace device's name, letter for letter.
     */
    public boolean isTraceDevice() {
        return traceDevice.map(d -> sameAsTraceDevice || d.name().equals(name)).orElse(false);
    }

    /**
     * Whether predictions for this target set beside the trace's measured times compare two different
     * GPUs: a projection, not an accuracy figure. False when the trace does not say which GPU it was
     * recorded on (nothing to tell them apart by).
     *
     * @since 0.12
     */
    public boolean isWhatIf() {
        return traceDevice.isPresent() && !isTraceDevice();
    }

    /**
     * This target marked as the GPU the trace was recorded on (see {@link #sameAsTraceDevice}).
     *
     * @throws IllegalArgumentException when no trace device is known
     * @since 0.12
     */
    public HardwareTarget asTraceDevice() {
        return new HardwareTarget(name, traceDevice, true);
    }
}
