package io.flowsim.api.model;

/** Whether an operand is read, written or both. */
public enum Direction {
    INPUT,
    OUTPUT,
    INPUT_OUTPUT,
    UNKNOWN
}
