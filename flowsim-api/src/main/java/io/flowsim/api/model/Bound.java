package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Locale;

/**
 * What limits a kernel's speed, judged against the GPU's roofline (see {@link KernelEfficiency}).
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public enum Bound {
    /** Its arithmetic at the GPU's peak FLOP/s would take longer than moving its bytes. */
    COMPUTE,
    /** Moving its bytes at the memory bandwidth would take longer than its arithmetic. */
    MEMORY,
    /** A short kernel far from both limits: launch and pipeline latency dominate. */
    LATENCY,
    /** A collective: limited by the GPU-to-GPU link. */
    NETWORK,
    /** Its work (FLOPs and bytes) or the GPU's peaks are not known. */
    UNKNOWN;

    /** The lower-case name used in files ({@code memory}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
