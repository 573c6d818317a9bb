package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.SimulationRequest;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which attention kernel runs, and the facts of its source code the model needs: whether it issues
 * Hopper's warpgroup MMA ({@code wgmma}) or sm80's warp-level {@code mma.sync}, how many query rows one
 * thread block takes, whether it skips the keys outside a sliding window, whether the query heads of a
 * GQA group share one thread block in decode, how it splits the KV cache, and whether its dot products
 * run on the CUDA cores.
 *
 * <p>The implementation comes from {@code attention.implementation} when a resolver or a table sets
 * it, otherwise from the kernel name. Unknown names keep the generic model (the FA3 / FlashInfer-style
 * physics the profiles were fitted with).
 *
 * @param implementation the kernel family
 * @param warpgroupMma   whether the kernel reaches the full tensor peak on Hopper (wgmma); kernels built
 *                       for sm80 ({@code mma.sync}) reach {@code mma_sync_fraction} of it
 * @param blockQ         query rows per thread block (prefill)
 * @param skipsWindow    whether blocks outside the sliding window are skipped (prefill)
 * @param packsGqa       whether one decode thread block serves all query heads of a KV head
 * @param splitPolicy    how decode splits a sequence's KV cache
 * @param simtDot        whether the score and value products run on the CUDA cores (FP32 FMA)
 */
record AttentionKernel(Implementation implementation, boolean warpgroupMma, int blockQ, boolean skipsWindow,
                       boolean packsGqa, SplitPolicy splitPolicy, boolean simtDot) {

    /** Attention kernel families with their own model facts. */
    enum Implementation {
        GENERIC("generic"),
        FA3("fa3"),
        FA2("fa2"),
        FLASHINFER("flashinfer"),
        TRITON("triton"),
        PAGED("paged"),
        SDPA_EFFICIENT("sdpa-efficient"),
        CUDNN("cudnn");

        private final String id;

        Implementation(String id) {
            this.id = id;
        }

        String id() {
            return id;
        }

        static Implementation fromId(String id) {
            String s = id.trim().toLowerCase(Locale.ROOT);
            if (s.equals("sdpa-flash") || s.equals("flash-attention-2") || s.equals("flash_attention_2")) {
                return FA2;
            }
            if (s.equals("flash-attention-3") || s.equals("flash_attention_3")) {
                return FA3;
            }
            for (Implementation i : values()) {
                if (i.id.equals(s)) {
                    return i;
                }
            }
            return GENERIC;
        }
    }

    /** How a decode kernel splits each sequence's KV cache. */
    enum SplitPolicy {
        /** Flash-decoding: splits only when too few blocks would run (FA2/FA3 split-KV, FlashInfer). */
        FLASH_DECODING,
        /** A fixed number of splits (sglang's Triton decode: {@code num_kv_splits}), then a reduction kernel. */
        FIXED,
        /** vLLM paged attention v2: partitions of 512 keys, reduced by a separate kernel. */
        PARTITIONS_512,
        /** One thread block walks the whole cache (paged attention v1, cuDNN, memory-efficient). */
        NONE
    }

    /** FlashInfer's sm90 templates name their tiles: AttentionKernelTraits<tma, d_qk, d_vo, CTA_Q, CTA_KV, ...>. */
    private static final Pattern FLASHINFER_TRAITS = Pattern.compile("AttentionKernelTraits<\\w+, ?\\d+, ?\\d+, ?(\\d+), ?(\\d+)");

    static AttentionKernel of(SimulationRequest r, long headDimQk, HardwareProfile hw) {
        String name = r.kernelName();
        String lower = name.toLowerCase(Locale.ROOT);
        String attribute = RequestView.text(r, Attributes.ATTENTION_IMPLEMENTATION.name());
        Implementation impl = attribute != null ? Implementation.fromId(attribute) : fromName(lower);
        boolean hopperNamed = lower.contains("sm90") || lower.contains("hopper") || lower.contains("wgmma")
                || lower.contains("collectivemainloop");
        boolean ampereNamed = lower.matches(".*\\bsm8\\d.*|.*_sm8\\d_.*") || lower.contains("sm80") || lower.contains("sm86")
                || lower.contains("sm89");
        boolean hopperPlus = hopperPlus(hw);
        return switch (impl) {
            case FA3 -> new AttentionKernel(impl, true, 128, true, true, SplitPolicy.FLASH_DECODING, false);
            // FlashAttention-2 (and PyTorch's flash SDPA, which is FA2): 128 query rows up to d = 128, 64 beyond.
            case FA2 -> new AttentionKernel(impl, false, headDimQk <= 128 ? 128 : 64, true, true,
                    SplitPolicy.FLASH_DECODING, false);
            case FLASHINFER -> {
                int blockQ = 128;
                Matcher m = FLASHINFER_TRAITS.matcher(name);
                if (m.find()) {
                    blockQ = Integer.parseInt(m.group(1));
                }
                // Its sm90 templates are FA3-based; the others are FA2-style sm80 kernels.
                boolean wgmma = hopperNamed || !lower.contains("flashinfer");
                yield new AttentionKernel(impl, wgmma, blockQ, true, true, SplitPolicy.FLASH_DECODING, false);
            }
            // sglang's extend kernel: BLOCK_M 128 up to d = 256 on Hopper (32 beyond); on Ampere 128 / 64 / 32.
            // The sliding window is applied as a mask: every causal block is still visited.
            case TRITON -> new AttentionKernel(impl, true,
                    hopperPlus ? (headDimQk <= 256 ? 128 : 32) : (headDimQk <= 128 ? 128 : headDimQk <= 256 ? 64 : 32),
                    false, true, SplitPolicy.FIXED, false);
            // vLLM paged attention: one block per (query head, sequence[, 512-key partition]), CUDA-core dot products.
            case PAGED -> new AttentionKernel(impl, false, 1, true, false,
                    lower.contains("v2") ? SplitPolicy.PARTITIONS_512 : SplitPolicy.NONE, true);
            // xformers/CUTLASS memory-efficient kernels (sm80 mma.sync): 64 query rows up to d = 128, 32 beyond.
            case SDPA_EFFICIENT -> new AttentionKernel(impl, false, headDimQk <= 128 ? 64 : 32, true, false,
                    SplitPolicy.NONE, false);
            // cuDNN's fused flash kernels name their generation: ..._sm90_flash_fprop_wgmma_... or ..._sm80_..._wmma_...
            case CUDNN -> new AttentionKernel(impl, !ampereNamed || hopperNamed, 128, true, false, SplitPolicy.NONE, false);
            case GENERIC -> new AttentionKernel(impl, true, 128, true, true, SplitPolicy.FLASH_DECODING, false);
        };
    }

    /** Hopper or newer: sglang's Triton kernels pick their Hopper tiles (compute capability 9 and above). */
    static boolean hopperPlus(HardwareProfile hw) {
        return hw.architecture() != null
                && !hw.architecture().equalsIgnoreCase("ampere") && !hw.architecture().equalsIgnoreCase("ada")
                && !hw.architecture().equalsIgnoreCase("volta") && !hw.architecture().equalsIgnoreCase("turing");
    }

    /**
     * Keys per tile ({@code BLOCK_N}) of sglang's Triton extend kernel: 64 on Hopper; on Ampere 128 up to
     * {@code d = 128} and 64 beyond.
     */
    static int tritonBlockN(HardwareProfile hw, long headDimQk) {
        return hopperPlus(hw) || headDimQk > 128 ? 64 : 128;
    }

    /** Warps per thread block of sglang's Triton extend kernel: 4 up to {@code d = 64}, else 8. */
    static int tritonWarps(long headDimQk) {
        return headDimQk <= 64 ? 4 : 8;
    }

    static Implementation fromName(String lower) {
        if (lower.contains("kernel_paged_attention_2d") || lower.contains("unified_attention")) {
            return Implementation.TRITON;
        }
        if (lower.contains("paged_attention")) {
            return Implementation.PAGED;
        }
        if (lower.contains("fmha_cutlass") || lower.contains("memeffattention") || lower.contains("efficient_attention")
                || lower.contains("attentionkernel<")) {
            return Implementation.SDPA_EFFICIENT;
        }
        if (lower.contains("cudnn") && (lower.contains("sdpa") || lower.contains("attention") || lower.contains("fmha"))) {
            return Implementation.CUDNN;
        }
        if (lower.contains("flashinfer")) {
            return Implementation.FLASHINFER;
        }
        if (lower.contains("flash_fwd") || lower.contains("flash::") || lower.contains("flashattn")) {
            return lower.contains("sm90") || lower.contains("hopper") || lower.contains("flash::collectivemainloop")
                    ? Implementation.FA3 : Implementation.FA2;
        }
        if (lower.matches("^_fwd_(grouped_)?kernel(_stage\\d)?$") || lower.startsWith("_fwd_kernel")
                || lower.contains("unified_attention") || lower.startsWith("_attn_fwd")
                || lower.contains("extend_attention") || lower.contains("decode_attention")
                || lower.contains("prefill_attention") || lower.contains("kernel_paged_attention_2d")) {
            return Implementation.TRITON;
        }
        return Implementation.GENERIC;
    }
}
