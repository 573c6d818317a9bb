package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

/**
 * The attribute conventions of docs/operand-conventions.md as typed keys: what resolvers and
 * measured-table readers write and what simulator backends read. Extend docs/operand-conventions.md
 * and this class together.
 *
 * <p>Experimental: keys are still being added and refined (attention implementations, convolutions).
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public final class Attributes {

    private Attributes() {
    }

    // gemm and bmm
    /** {@code none}, {@code per-tensor}, {@code per-token}, {@code per-channel}, {@code block}. */
    public static final AttributeKey<String> GEMM_SCALING = AttributeKey.text("gemm.scaling");
    /** Block size for block scaling ({@code 128}). */
    public static final AttributeKey<Long> GEMM_BLOCK = AttributeKey.integer("gemm.block");
    /** Split-K factor when known. */
    public static final AttributeKey<Long> GEMM_SPLIT_K = AttributeKey.integer("gemm.split_k");
    /** {@code main} or {@code split-k-reduce}. */
    public static final AttributeKey<String> GEMM_ROLE = AttributeKey.text("gemm.role");

    // attention
    /** {@code prefill} or {@code decode}. */
    public static final AttributeKey<String> ATTENTION_PHASE = AttributeKey.text("attention.phase");
    /** {@code mha}, {@code gqa}, {@code mla}. */
    public static final AttributeKey<String> ATTENTION_KIND = AttributeKey.text("attention.kind");
    /** Number of sequences. */
    public static final AttributeKey<Long> ATTENTION_BATCH = AttributeKey.integer("attention.batch");
    /** Query tokens per sequence (average when ragged). */
    public static final AttributeKey<Double> ATTENTION_Q_LEN = AttributeKey.decimal("attention.q_len");
    /** Keys per sequence including the cached prefix (average when ragged). */
    public static final AttributeKey<Double> ATTENTION_KV_LEN = AttributeKey.decimal("attention.kv_len");
    /** Whether the mask is causal. */
    public static final AttributeKey<Boolean> ATTENTION_CAUSAL = AttributeKey.flag("attention.causal");
    /** Value head dimension when it differs (MLA). */
    public static final AttributeKey<Long> ATTENTION_HEAD_DIM_V = AttributeKey.integer("attention.head_dim_v");
    /** KV heads, when no {@code k} or {@code kv_cache} shape tells them. */
    public static final AttributeKey<Long> ATTENTION_NUM_KV_HEADS = AttributeKey.integer("attention.num_kv_heads");
    /** Sliding-window size in keys; absent or 0 for full attention. */
    public static final AttributeKey<Long> ATTENTION_WINDOW = AttributeKey.integer("attention.window");
    /**
     * The kernel implementation, when its name does not tell it: {@code fa3}, {@code fa2} (also PyTorch
     * SDPA's flash kernels), {@code flashinfer}, {@code triton}, {@code paged} (vLLM paged attention
     * v1/v2), {@code sdpa-efficient} (PyTorch's memory-efficient kernels), {@code cudnn}.
     */
    public static final AttributeKey<String> ATTENTION_IMPLEMENTATION = AttributeKey.text("attention.implementation");

    // moe
    /** Experts per token. */
    public static final AttributeKey<Long> MOE_TOP_K = AttributeKey.integer("moe.top_k");
    /** All experts of the layer (also when {@code w1}/{@code w2} hold only this GPU's share). */
    public static final AttributeKey<Long> MOE_NUM_EXPERTS = AttributeKey.integer("moe.num_experts");
    /** {@code gate_up}, {@code down}, {@code fused}, {@code routing}, {@code align}, {@code reduce}. */
    public static final AttributeKey<String> MOE_STAGE = AttributeKey.text("moe.stage");
    /** {@code balanced}, {@code uniform} or {@code power_law_<alpha>}. */
    public static final AttributeKey<String> MOE_DISTRIBUTION = AttributeKey.text("moe.distribution");
    /** Expert-parallel degree when every GPU sees every token and masks the slots routed elsewhere. */
    public static final AttributeKey<Long> MOE_EP_SIZE = AttributeKey.integer("moe.ep_size");

    // collective
    /** Group size of a custom all-reduce, when the trace's process groups tell it. */
    public static final AttributeKey<Long> COLLECTIVE_GROUP_SIZE = AttributeKey.integer("collective.group_size");
    /**
     * GPUs of a collective's group on each node, when the job's layout tells it (a measured table of runs
     * over several nodes); a group larger than this crosses the network between nodes.
     */
    public static final AttributeKey<Long> COLLECTIVE_GPUS_PER_NODE = AttributeKey.integer("collective.gpus_per_node");

    // TensorList operands (aten::cat)
    /** How many tensors the (first) TensorList operand of the kernel holds. */
    public static final AttributeKey<Long> LIST_TENSORS = AttributeKey.integer("list.tensors");
    /** The elements of that list's largest tensor. */
    public static final AttributeKey<Long> LIST_LARGEST = AttributeKey.integer("list.largest");

    // measured tables
    /**
     * Set by a measured-table reader, never by a trace: the bytes one iteration of the benchmark loop that timed
     * the kernel touches, when that loop runs it again and again on the same tensors with nothing else in between
     * (the operands, the output and whatever the loop's other kernels read and write). A backend may take a
     * working set that fits in the GPU's L2 cache as resident from the previous iteration.
     */
    public static final AttributeKey<Long> MEASUREMENT_LOOP_BYTES = AttributeKey.integer("measurement.loop_bytes");
    /**
     * Set by a measured-table reader, never by a trace: how many calls of the timed operation one replay of the
     * benchmark's CUDA graph holds, when the table's latency is the time of back-to-back replays divided by that
     * number; each call then carries that share of the gap between two replays.
     */
    public static final AttributeKey<Long> MEASUREMENT_CALLS_PER_REPLAY =
            AttributeKey.integer("measurement.calls_per_replay");

    // any family
    /**
     * Set by a resolver when the launching operator recorded shapes that make no operands (a TensorList whose
     * tensors do not concatenate, a dimension out of range): what went wrong, for a backend to give as its
     * reason instead of "no operand shapes".
     */
    public static final AttributeKey<String> OPERANDS_PROBLEM = AttributeKey.text("operands.problem");
}
