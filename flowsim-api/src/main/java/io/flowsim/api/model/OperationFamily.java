package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.Locale;

/**
 * The kind of work a kernel does; simulators model each family differently.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum OperationFamily {
    /** Matrix multiplication (dense, fp8, block-scaled fp8, split-K reductions). */
    GEMM,
    /** Batched matrix multiplication. */
    BMM,
    /** Attention (FlashAttention, FlashInfer, MLA; prefill and decode). */
    ATTENTION,
    /** Mixture-of-experts kernels (fused experts, routing, gating, token sorting). */
    MOE,
    /** Normalization (RMSNorm, LayerNorm, fused add+norm). */
    NORM,
    /** Elementwise arithmetic, activations, rotary embeddings. */
    ELEMENTWISE,
    /** Reductions and scans (sum, argmax, cumsum, softmax). */
    REDUCTION,
    /** Copies, gathers, scatters, concatenations, index bookkeeping. */
    COPY,
    /** Memory sets and fills. */
    MEMSET,
    /** Collective communication. */
    COLLECTIVE,
    /** Token sampling. */
    SAMPLING,
    /** Anything else. */
    OTHER;

    /** The lower-case name, made once: the models name their estimates by it. */
    private final String id = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used in files and on the command line ({@code gemm}). */
    public String id() {
        return id;
    }

    /** The family with the given {@link #id()}, case-insensitively. */
    public static OperationFamily fromId(String id) {
        try {
            return valueOf(id.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown operation family '" + id + "'", e);
        }
    }
}
