package io.flowsim.api.model;

/** Where the inputs of an {@link OperatorCall} came from. */
public enum ShapeSource {
    /** The profiler's {@code Input Dims} / {@code Input type} of a CPU operator. */
    PROFILER,
    /** A shape-carrying annotation (sglang's {@code record_function} labels). */
    ANNOTATION,
    /** Nothing recorded: the operator is known but its inputs are not. */
    NONE
}
