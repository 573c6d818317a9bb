package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What exporters receive per kernel: the resolved kernel and, when the run simulated, its result.
 *
 * @param kernel     the resolved kernel
 * @param simulation the simulation result, absent when the run did not simulate
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record KernelResult(ResolvedKernel kernel, Optional<SimulationResult> simulation) {
    public KernelResult {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(simulation, "simulation");
    }

    /**
     * The signed error of the prediction in percent of the measured duration,
     * {@code 100 * (predicted - measured) / measured}; empty without a prediction or when the measured
     * duration is 0.
     */
    public OptionalDouble errorPercent() {
        long measured = kernel.kernel().durationNs();
        if (measured <= 0 || simulation.isEmpty() || simulation.get().predictedNs().isEmpty()) {
            return OptionalDouble.empty();
        }
        long predicted = simulation.get().predictedNs().getAsLong();
        return OptionalDouble.of(100.0 * (predicted - measured) / measured);
    }
}
