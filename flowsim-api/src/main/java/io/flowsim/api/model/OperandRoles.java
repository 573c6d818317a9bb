package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;

/**
 * The operand role names of docs/operand-conventions.md ({@link Operand#name()}), so that resolvers,
 * measured-table readers and backends spell them the same way.
 *
 * <p>Stable: the names are the operand names of the kernels.json format (docs/operand-conventions.md)
 * that our database and users' databases already contain; roles are only ever added.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public final class OperandRoles {

    private OperandRoles() {
    }

    // gemm and bmm
    /** GEMM input {@code [batch..., M, K]}. */
    public static final String A = "A";
    /** GEMM input {@code [batch..., K, N]}. */
    public static final String B = "B";
    /** GEMM output {@code [batch..., M, N]}. */
    public static final String C = "C";
    /** Bias {@code [N]}. */
    public static final String BIAS = "bias";
    /** FP8 scale of A. */
    public static final String SCALE_A = "scale_a";
    /** FP8 scale of B. */
    public static final String SCALE_B = "scale_b";

    // attention
    /** Queries {@code [num_tokens, num_heads, head_dim]}. */
    public static final String Q = "q";
    /** Keys {@code [num_kv_tokens, num_kv_heads, head_dim]}. */
    public static final String K = "k";
    /** Values {@code [num_kv_tokens, num_kv_heads, head_dim]}. */
    public static final String V = "v";
    /** Paged KV cache, as recorded. */
    public static final String KV_CACHE = "kv_cache";
    /** Attention output. */
    public static final String O = "o";
    /** MLA rotary part of the query. */
    public static final String Q_PE = "q_pe";
    /** MLA rotary part of the cache. */
    public static final String KPE_CACHE = "kpe_cache";
    /**
     * The names a paged KV cache operand goes by, {@link #KV_CACHE} first: {@code kv_cache} (and MLA's
     * {@link #KPE_CACHE} beside it) as docs/operand-conventions.md names them, and {@code ckv_cache}, {@code k_cache},
     * {@code v_cache} and {@code paged_kv_cache} as other kernel databases do. Such an operand is the whole pool as
     * recorded, not what a kernel reads: the work count ({@link KernelWork}) counts the pages of its page list
     * ({@link #KV_INDICES}) and a backend prices them, both from this one list. In order of preference: a reader that
     * takes one cache operand (for its heads, element type or page size) takes the first present.
     *
     * @since 0.13
     */
    public static final List<String> PAGED_CACHES =
            List.of(KV_CACHE, "ckv_cache", "k_cache", "v_cache", "paged_kv_cache", KPE_CACHE);
    /**
     * The pages of a paged cache that the batch's sequences use, one index per page ({@code [num_pages]}, FlashInfer's
     * {@code kv_indices}): the cache a kernel touches, where {@code kv_cache} is the whole pool.
     */
    public static final String KV_INDICES = "kv_indices";
    /**
     * The names the offsets of a ragged batch go by, {@code [batch + 1]} entries each: FlashInfer's {@code qo_indptr}
     * and {@code kv_indptr}, FlashAttention's {@code cu_seqlens_q} and {@code cu_seqlens}. They tell how many
     * sequences a packed {@code [tokens, heads, dim]} batch holds: the work count ({@link KernelWork#raggedBatch}) and
     * a backend read them from this one list, the first that tells first.
     *
     * @since 0.13
     */
    public static final List<String> BATCH_OFFSETS = List.of("qo_indptr", "cu_seqlens_q", "cu_seqlens", "kv_indptr");

    // moe
    /** Tokens entering the expert layer {@code [num_tokens, hidden]}. */
    public static final String HIDDEN = "hidden";
    /** Gate and up projections {@code [num_experts, 2 * intermediate, hidden]}. */
    public static final String W1 = "w1";
    /** Down projection {@code [num_experts, hidden, intermediate]}. */
    public static final String W2 = "w2";
    /** Routing ids {@code [num_tokens, top_k]}. */
    public static final String TOPK_IDS = "topk_ids";
    /** Routing weights {@code [num_tokens, top_k]}. */
    public static final String TOPK_WEIGHTS = "topk_weights";

    // norm, elementwise, reduction, copy, sampling
    /** The main input. */
    public static final String INPUT = "input";
    /** Second operand of a binary elementwise op. */
    public static final String OTHER = "other";
    /** The output. */
    public static final String OUTPUT = "output";
    /** A weight. */
    public static final String WEIGHT = "weight";
    /** A residual input. */
    public static final String RESIDUAL = "residual";
    /** Gather/scatter/embedding indices. */
    public static final String INDEX = "index";
}
