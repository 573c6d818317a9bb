package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

/**
 * Whether an operand is read, written or both.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum Direction {
    /** Read. */
    INPUT,
    /** Written. */
    OUTPUT,
    /** Read and written (in place): its bytes move both ways. */
    INPUT_OUTPUT,
    /**
     * Read or written, and the trace does not say which (a TorchInductor kernel's pointer arguments): its bytes
     * move once ({@link KernelWork}).
     */
    UNKNOWN
}
