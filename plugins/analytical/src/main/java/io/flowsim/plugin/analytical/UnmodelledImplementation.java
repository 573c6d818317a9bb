package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

import java.util.Locale;

/**
 * Requests whose implementation attribute ({@code attention.implementation}, {@code moe.implementation},
 * {@code collective.implementation}) names kernels this backend has no model for: they are answered
 * {@code UNSUPPORTED} with a reason naming the implementation, never priced as another implementation's kernels.
 * Stateless.
 */
final class UnmodelledImplementation {

    private UnmodelledImplementation() {
    }

    /** Why the request's implementation has no model, or null when it has one (or names none). */
    static String reason(SimulationRequest r) {
        if (r.family() == OperationFamily.ATTENTION) {
            String id = RequestView.text(r, Attributes.ATTENTION_IMPLEMENTATION.name());
            return id == null || AttentionKernel.Implementation.fromId(id) != null ? null : attention(id);
        }
        if (r.family() == OperationFamily.MOE) {
            String id = RequestView.text(r, Attributes.MOE_IMPLEMENTATION.name());
            return id == null || id.equalsIgnoreCase("triton") ? null : "no model for the MoE implementation '" + id
                    + "' (the model prices the Triton fused_moe_kernel of sglang and vLLM, its routing and its sum)";
        }
        if (r.category() == KernelCategory.COMMUNICATION || r.family() == OperationFamily.COLLECTIVE) {
            String id = RequestView.text(r, Attributes.COLLECTIVE_IMPLEMENTATION.name());
            return id == null ? null : collective(id);
        }
        return null;
    }

    private static String attention(String id) {
        return switch (id.toLowerCase(Locale.ROOT)) {
            case "trtllm" -> "no model for TensorRT-LLM's attention kernels (TrtllmAttention: fmha_v2 / trtllm-gen"
                    + " context FMHA, XQA / MMHA decode, with RoPE and the KV-cache write fused in front)";
            case "trtllm-gen" -> "no model for FlashInfer's TensorRT-LLM-gen attention kernels (sglang's trtllm_mha,"
                    + " vLLM's FlashInfer trtllm backends)";
            case "fa4" -> "no model for FlashAttention 4's attention kernels";
            default -> "no model for the attention implementation '" + id + "' (the model knows fa3, fa2, flashinfer,"
                    + " triton, paged, sdpa-efficient, cudnn)";
        };
    }

    private static String collective(String id) {
        return switch (id.toLowerCase(Locale.ROOT)) {
            case "trtllm" -> "no model for TensorRT-LLM's all-reduce (strategy AUTO picks its one-shot / two-shot"
                    + " kernels or NCCL by its own size table, and the measurement does not say which ran)";
            case "vllm" -> "no model for vLLM's all-reduce (custom all-reduce, symmetric memory or NCCL by size, and"
                    + " the measurement does not say which ran)";
            default -> "no model for the all-reduce implementation '" + id + "'";
        };
    }
}
