package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

/**
 * The broad class of GPU work, as profilers and HTA classify it.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum KernelCategory {
    /** Arithmetic kernels (GEMMs, attention, elementwise, ...). */
    COMPUTE,
    /** Memory copies and sets. */
    MEMORY,
    /** Collective communication (NCCL, custom all-reduce, DeepEP, ...). */
    COMMUNICATION
}
