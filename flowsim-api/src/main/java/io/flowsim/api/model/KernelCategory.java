package io.flowsim.api.model;

/** The broad class of GPU work, as profilers and HTA classify it. */
public enum KernelCategory {
    /** Arithmetic kernels (GEMMs, attention, elementwise, ...). */
    COMPUTE,
    /** Memory copies and sets. */
    MEMORY,
    /** Collective communication (NCCL, custom all-reduce, DeepEP, ...). */
    COMMUNICATION
}
