package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;
import java.util.Optional;

/**
 * One input of the operator that launched a kernel, as recorded by the profiler
 * ({@code Input Dims}, {@code Input type}, {@code Input Strides}, {@code Concrete Inputs}) or parsed
 * from a shape annotation.
 *
 * @param name          the argument name when known (annotations carry it; profiler ops do not)
 * @param type          the raw type string exactly as recorded ({@code c10::BFloat16}, {@code Scalar},
 *                      {@code TensorList}, {@code torch.int32}, or empty); see
 *                      {@link DataType#fromName(String)} for the normalized form
 * @param dims          the recorded dimensions ({@link Dims#EMPTY} for scalars and unknown)
 * @param strides       the recorded strides ({@link Dims#EMPTY} when not recorded)
 * @param concreteValue the recorded concrete value of a scalar input ({@code "4"}, {@code "False"})
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record OperatorInput(Optional<String> name, String type, Dims dims, Dims strides,
                            Optional<String> concreteValue) {
    public OperatorInput {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(dims, "dims");
        Objects.requireNonNull(strides, "strides");
        Objects.requireNonNull(concreteValue, "concreteValue");
    }

    /** An unnamed input with only a type and dimensions. */
    public static OperatorInput of(String type, Dims dims) {
        return new OperatorInput(Optional.empty(), type, dims, Dims.EMPTY, Optional.empty());
    }

    /** The normalized data type of {@link #type()}. */
    public DataType dataType() {
        return DataType.fromName(type);
    }
}
