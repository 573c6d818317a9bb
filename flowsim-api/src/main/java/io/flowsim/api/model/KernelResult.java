package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What exporters receive per kernel: the resolved kernel, when the run simulated its result, and the
 * runtime's analysis (stage, annotation, efficiency).
 *
 * @param kernel     the resolved kernel
 * @param simulation the simulation result, absent when the run did not simulate
 * @param analysis   stage, annotation and efficiency ({@link KernelAnalysis#NONE} when not analysed)
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record KernelResult(ResolvedKernel kernel, Optional<SimulationResult> simulation, KernelAnalysis analysis) {
    public KernelResult {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(simulation, "simulation");
        Objects.requireNonNull(analysis, "analysis");
    }

    /** A result without analysis. */
    public KernelResult(ResolvedKernel kernel, Optional<SimulationResult> simulation) {
        this(kernel, simulation, KernelAnalysis.NONE);
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
