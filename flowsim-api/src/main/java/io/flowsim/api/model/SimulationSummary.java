package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a simulation run. Counts and accuracy cover GPU kernels only (not memcpy/memset).
 *
 * @param backend           the backend's name
 * @param target            the GPU simulated
 * @param distinctRequests  requests sent to the backend after de-duplication
 * @param ok                kernels with a prediction
 * @param unsupported       kernels the backend does not model
 * @param failed            kernels whose simulation failed
 * @param predictedKernelTimeNs sum of predicted durations of all kernels with a prediction
 * @param accuracy          accuracy per family, then a row {@code all}; compares only kernels with
 *                          a prediction (empty rows omitted)
 * @param notes             caveats the backend wants users to read (e.g. "times exclude launch overhead")
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record SimulationSummary(String backend, HardwareTarget target, long distinctRequests, long ok,
                                long unsupported, long failed, long predictedKernelTimeNs,
                                List<AccuracyRow> accuracy, List<String> notes) {
    public SimulationSummary {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(target, "target");
        accuracy = List.copyOf(Objects.requireNonNull(accuracy, "accuracy"));
        notes = List.copyOf(Objects.requireNonNull(notes, "notes"));
    }
}
