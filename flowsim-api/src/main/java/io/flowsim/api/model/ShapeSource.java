package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

/**
 * Where the inputs of an {@link OperatorCall} came from.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum ShapeSource {
    /** The profiler's {@code Input Dims} / {@code Input type} of a CPU operator. */
    PROFILER,
    /** A shape-carrying annotation (sglang's {@code record_function} labels). */
    ANNOTATION,
    /** Nothing recorded: the operator is known but its inputs are not. */
    NONE
}
