package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The CPU-side operator that launched a kernel ({@code aten::mm}, {@code sgl_kernel::rmsnorm},
 * {@code record_param_comms}) or the shape annotation that describes it.
 *
 * @param name        the operator or annotation name
 * @param externalId  the operator's profiler {@code External id}, when it has one
 * @param inputs      the operator's inputs in order (empty when none were recorded)
 * @param shapeSource where {@code inputs} came from
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record OperatorCall(String name, OptionalLong externalId, List<OperatorInput> inputs,
                           ShapeSource shapeSource) {
    public OperatorCall {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(externalId, "externalId");
        inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
        Objects.requireNonNull(shapeSource, "shapeSource");
    }

    /** Whether any input shapes or types are known. */
    public boolean hasShapes() {
        return shapeSource != ShapeSource.NONE && !inputs.isEmpty();
    }
}
