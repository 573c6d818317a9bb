package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

/**
 * Whether an operand is read, written or both.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum Direction {
    INPUT,
    OUTPUT,
    INPUT_OUTPUT,
    UNKNOWN
}
