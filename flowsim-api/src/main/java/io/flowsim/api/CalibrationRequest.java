package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.Measurement;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a backend needs to fit its model to measurements ({@code flowsim calibrate}).
 *
 * @param target       the GPU whose description is fitted (the measurements were taken on it)
 * @param measurements the fitting data; the runtime keeps held-out data away from the backend
 * @param output       where the backend writes the fitted hardware description; written atomically
 *
 * <p>Experimental: one backend implements calibration so far (the analytical one); the contract may
 * change as others adopt it.
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record CalibrationRequest(HardwareTarget target, List<Measurement> measurements, Path output) {
    public CalibrationRequest {
        Objects.requireNonNull(target, "target");
        measurements = List.copyOf(Objects.requireNonNull(measurements, "measurements"));
        Objects.requireNonNull(output, "output");
    }
}
