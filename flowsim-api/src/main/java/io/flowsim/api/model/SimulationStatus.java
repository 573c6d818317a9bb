package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

/**
 * The outcome of simulating one request.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum SimulationStatus {
    /** A prediction was made. */
    OK,
    /** The backend does not model this kind of kernel (the reason says why); not an error. */
    UNSUPPORTED,
    /** The backend tried and failed (server error, timeout, invalid input). */
    FAILED
}
