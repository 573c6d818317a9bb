package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

/**
 * What kind of GPU activity a {@link KernelRecord} is.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum KernelKind {
    /** A compute kernel launch (Kineto category {@code kernel}). */
    KERNEL,
    /** A memory copy (Kineto category {@code gpu_memcpy}). */
    MEMCPY,
    /** A memory set (Kineto category {@code gpu_memset}). */
    MEMSET
}
