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
     * v1/v2), {@code sdpa-efficient} (PyTorch's memory-efficient kernels), {@code cudnn}. Measured tables
     * also name, since 0.14, {@code fa4} (FlashAttention 4), {@code trtllm} (TensorRT-LLM's
     * {@code TrtllmAttention}: its fused QKV preprocessing and fmha_v2 / trtllm-gen / XQA kernels),
     * {@code trtllm-gen} (FlashInfer's TensorRT-LLM-gen kernels, sglang's {@code trtllm_mha}) and any other
     * backend by the table's {@code kernel_source} as written; vLLM's unified Triton kernel is {@code triton},
     * as kernels.json names it in a trace. A backend that has no model for the value it
     * reads answers {@code UNSUPPORTED} naming it, never prices it as another.
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
    /**
     * Which MoE kernels run the layer, when a measured table says: {@code triton} (the Triton
     * {@code fused_moe_kernel} of sglang and vLLM), else the table's {@code kernel_source} as written
     * ({@code sglang_flashinfer_cutlass_moe}, {@code deepepmoe}, {@code moe_torch_flow_cutlass}, ...), on a request
     * of stage {@code fused} that stands for the whole layer (the reader does not know that implementation's
     * kernels). Absent: the kernel name tells it. A backend without a model for the value answers
     * {@code UNSUPPORTED} naming it.
     *
     * <p>Experimental, new in 0.14: one reader sets it so far.
     *
     * @since 0.14
     */
    public static final AttributeKey<String> MOE_IMPLEMENTATION = AttributeKey.text("moe.implementation");

    // collective
    /** Group size of a custom all-reduce, when the trace's process groups tell it. */
    public static final AttributeKey<Long> COLLECTIVE_GROUP_SIZE = AttributeKey.integer("collective.group_size");
    /**
     * GPUs of a collective's group on each node, when the job's layout tells it (a measured table of runs
     * over several nodes); a group larger than this crosses the network between nodes.
     */
    public static final AttributeKey<Long> COLLECTIVE_GPUS_PER_NODE = AttributeKey.integer("collective.gpus_per_node");
    /**
     * Which framework's all-reduce dispatch ran a collective whose kernel it picks by size and the measurement does
     * not record: {@code trtllm} (TensorRT-LLM's {@code AllReduce}, strategy AUTO: its one-shot / two-shot kernels or
     * NCCL) or {@code vllm} (vLLM's custom all-reduce, symmetric memory or NCCL). Absent: the kernel name tells it.
     * A backend without a model for the value answers {@code UNSUPPORTED} naming it.
     *
     * <p>Experimental, new in 0.14: one reader sets it so far.
     *
     * @since 0.14
     */
    public static final AttributeKey<String> COLLECTIVE_IMPLEMENTATION = AttributeKey.text("collective.implementation");

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
