package io.flowsim.plugin.tables;

import java.util.List;
import java.util.Set;

/**
 * The measured latency table formats FlowSim reads (see docs/simulator.md, "Validation"), each
 * recognized by the columns of its header.
 */
public enum TableFormat {
    /** aiconfigurator {@code gemm_perf}: one GEMM (plus the FP8 quantization kernel for fp8 rows). */
    AICONFIGURATOR_GEMM("aiconfigurator gemm", List.of("gemm_dtype", "m", "n", "k", "latency"), List.of("gemm_perf")),
    /** aiconfigurator {@code context/generation_attention_perf}: KV-cache write + attention. */
    AICONFIGURATOR_ATTENTION("aiconfigurator attention", List.of("batch_size", "isl", "num_heads",
            "num_key_value_heads", "head_dim", "attn_dtype", "kv_cache_dtype", "step", "latency"),
            List.of("context_attention_perf", "generation_attention_perf")),
    /** aiconfigurator {@code context/generation_mla_perf}: DeepSeek MLA. */
    AICONFIGURATOR_MLA("aiconfigurator mla", List.of("mla_dtype", "kv_cache_dtype", "num_heads", "batch_size", "isl",
            "step", "latency"), List.of("context_mla_perf", "generation_mla_perf")),
    /** aiconfigurator {@code mla_bmm_perf}: the absorbed-MLA batched GEMMs of decode. */
    AICONFIGURATOR_MLA_BMM("aiconfigurator mla_bmm", List.of("bmm_dtype", "num_tokens", "num_heads", "latency"),
            List.of("mla_bmm_perf")),
    /** aiconfigurator {@code moe_perf} (and the wideep tables): one rank's expert computation of a MoE layer. */
    AICONFIGURATOR_MOE("aiconfigurator moe", List.of("moe_dtype", "num_tokens", "hidden_size", "inter_size", "topk",
            "num_experts", "moe_tp_size", "moe_ep_size", "distribution", "latency"),
            List.of("moe_perf", "wideep_context_moe_perf", "wideep_generation_moe_perf")),
    /** aiconfigurator {@code nccl_perf}: nccl-tests, single node. */
    AICONFIGURATOR_NCCL("aiconfigurator nccl", List.of("nccl_dtype", "num_gpus", "message_size", "latency"),
            List.of("nccl_perf")),
    /**
     * aiconfigurator {@code custom_allreduce_perf}: the framework's all-reduce (sglang's and vLLM's name their mode in
     * a {@code backend} column, TensorRT-LLM's table has an {@code implementation} column instead).
     */
    AICONFIGURATOR_CUSTOM_ALLREDUCE("aiconfigurator custom_allreduce", List.of("allreduce_dtype", "num_gpus",
            "message_size", "latency"), List.of("custom_allreduce_perf")),
    /** vidur {@code mlp.csv}: per-op kernel times of one transformer block. */
    VIDUR_MLP("vidur mlp", List.of("n_head", "n_kv_head", "n_embd", "n_expanded_embd", "vocab_size", "num_tokens",
            "num_tensor_parallel_workers"), List.of()),
    /** vidur {@code all_reduce.csv}. */
    VIDUR_ALL_REDUCE("vidur all_reduce", List.of("time_stats.all_reduce.median", "num_workers", "size",
            "devices_per_node"), List.of()),
    /** vidur {@code send_recv.csv}. */
    VIDUR_SEND_RECV("vidur send_recv", List.of("time_stats.send_recv.median", "num_workers", "size",
            "devices_per_node"), List.of());

    private final String label;
    private final List<String> columns;
    private final List<String> kinds;

    TableFormat(String label, List<String> columns, List<String> kinds) {
        this.label = label;
        this.columns = columns;
        this.kinds = kinds;
    }

    /** A short human-readable name. */
    public String label() {
        return label;
    }

    /** The columns that identify the format. */
    public List<String> columns() {
        return columns;
    }

    /**
     * The aiconfigurator table kinds (file names without {@code .csv[.gz]}) of this format. A table named like an
     * aiconfigurator one ({@code <kind>_perf.csv[.gz]}) is read only if its kind is one of these: other kinds
     * ({@code encoder_attention_perf}, {@code wideep_moe_perf}, {@code mla_context_module_perf}, ...) may share
     * these columns but time other kernels. Empty for the vidur formats, whose tables keep their own names.
     */
    public List<String> kinds() {
        return kinds;
    }

    /** The format whose identifying columns the header holds, most specific first; null if none. */
    static TableFormat detect(Set<String> header) {
        TableFormat best = null;
        for (TableFormat f : values()) {
            if (header.containsAll(f.columns) && (best == null || f.columns.size() > best.columns.size())) {
                best = f;
            }
        }
        return best;
    }
}
