package io.flowsim.api.model;

/** What kind of GPU activity a {@link KernelRecord} is. */
public enum KernelKind {
    /** A compute kernel launch (Kineto category {@code kernel}). */
    KERNEL,
    /** A memory copy (Kineto category {@code gpu_memcpy}). */
    MEMCPY,
    /** A memory set (Kineto category {@code gpu_memset}). */
    MEMSET
}
