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
 * it, otherwise from the kernel name. Unknown kernel names keep the generic model (the FA3 / FlashInfer-style
 * physics the profiles were fitted with); an attribute naming an implementation without a model is not
 * priced at all ({@link UnmodelledImplementation}).
 *
 * <p>The facts come in three groups: which units multiply ({@link Products}), the prefill facts ({@link Prefill})
 * and the decode facts ({@link Decode}); the accessors below answer the model's questions from them.
 *
 * @param implementation the kernel family
 * @param products       which units multiply the scores and values
 * @param prefill        the prefill tile, window and schedule
 * @param decode         the decode blocks and splits
 */
record AttentionKernel(Implementation implementation, Products products, Prefill prefill, Decode decode) {

    /** Which units multiply the scores and the values. */
    enum Products {
        /** Hopper's warpgroup MMA ({@code wgmma}): the full tensor peak. */
        WGMMA,
        /** sm80's warp-level {@code mma.sync}: {@code mma_sync_fraction} of the peak on Hopper, all of it before. */
        MMA_SYNC,
        /** FP32 FMA on the CUDA cores (vLLM's paged attention). */
        CUDA_CORES
    }

    /** What a prefill kernel does with the key tiles wholly outside a sliding window. */
    enum WindowTiles {
        /** Its loop bounds leave them out. */
        SKIPPED,
        /** It walks them and skips only their loads and products (sglang's Triton extend kernel). */
        VISITED
    }

    /** How many query heads one decode thread block serves. */
    enum DecodeHeads {
        /** All query heads of a KV head (GQA packing). */
        PACKED,
        /** One query head per block (the group's K/V re-reads hit L2). */
        ONE
    }

    /**
     * Prefill facts.
     *
     * @param blockQ   query rows per thread block
     * @param blockKv  keys per tile where the kernel name gives them (FlashInfer's {@code CTA_KV}), else 0 (see
     *                 {@link #tile})
     * @param window   what the kernel does with the key tiles outside a sliding window
     * @param schedule how its thread blocks reach the SMs
     */
    record Prefill(int blockQ, int blockKv, WindowTiles window, PrefillSchedule schedule) {
    }

    /**
     * Decode facts.
     *
     * @param heads       how many query heads one thread block serves
     * @param splitPolicy how a sequence's KV cache is split
     */
    record Decode(DecodeHeads heads, SplitPolicy splitPolicy) {
    }

    /** Whether the kernel reaches the full tensor peak on Hopper (wgmma); sm80's reach {@code mma_sync_fraction}. */
    boolean warpgroupMma() {
        return products == Products.WGMMA;
    }

    /** Whether the score and value products run on the CUDA cores (FP32 FMA). */
    boolean simtDot() {
        return products == Products.CUDA_CORES;
    }

    /** Query rows per prefill thread block. */
    int blockQ() {
        return prefill.blockQ();
    }

    /** Keys per prefill tile where the kernel name gives them, else 0. */
    int blockKv() {
        return prefill.blockKv();
    }

    /** Whether the key tiles outside a sliding window are left out of the prefill loop. */
    boolean skipsWindow() {
        return prefill.window() == WindowTiles.SKIPPED;
    }

    /** How prefill thread blocks reach the SMs. */
    PrefillSchedule prefillSchedule() {
        return prefill.schedule();
    }

    /** Whether one decode thread block serves all query heads of a KV head. */
    boolean packsGqa() {
        return decode.heads() == DecodeHeads.PACKED;
    }

    /** How decode splits a sequence's KV cache. */
    SplitPolicy splitPolicy() {
        return decode.splitPolicy();
    }

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

        /** The implementation an {@code attention.implementation} value names, or null when it has no model. */
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
            return null;
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

    /** How a prefill kernel's work reaches the SMs. */
    enum PrefillSchedule {
        /** One thread block per query tile and head, dealt by the hardware to free SMs in waves. */
        WAVES,
        /**
         * FlashInfer's sm90 batch prefill with {@code BatchPrefillPersistentTileScheduler}: one persistent thread block
         * per SM runs the list of (head, sequence, query tile) works that the host's {@code PrefillSM90Plan} gave it.
         */
        FLASHINFER_PLAN
    }

    /** An Ampere-family target in a kernel's (lower-cased) name: {@code sm80}, {@code sm86}, {@code _sm89_}. */
    private static final Pattern AMPERE_TARGET = Pattern.compile("\\bsm8\\d|_sm8\\d_");
    /** sglang's and vLLM's Triton attention kernels' own names ({@code _fwd_kernel_stage1}, {@code _fwd_grouped_kernel}). */
    private static final Pattern TRITON_FWD = Pattern.compile("^_fwd_(grouped_)?kernel(_stage\\d)?$");
    /** FlashInfer's sm90 templates name their tiles: AttentionKernelTraits<tma, d_qk, d_vo, CTA_Q, CTA_KV, ...>. */
    private static final Pattern FLASHINFER_TRAITS = Pattern.compile("AttentionKernelTraits<\\w+, ?\\d+, ?\\d+, ?(\\d+), ?(\\d+)");

    static AttentionKernel of(SimulationRequest r, long headDimQk, HardwareProfile hw) {
        String name = r.kernelName();
        String lower = name.toLowerCase(Locale.ROOT);
        String attribute = RequestView.text(r, Attributes.ATTENTION_IMPLEMENTATION.name());
        // an attribute naming no implementation with a model was refused before (UnmodelledImplementation)
        Implementation named = attribute != null ? Implementation.fromId(attribute) : null;
        Implementation impl = named != null ? named : fromName(lower);
        boolean hopperNamed = lower.contains("sm90") || lower.contains("hopper") || lower.contains("wgmma")
                || lower.contains("collectivemainloop");
        boolean ampereNamed = AMPERE_TARGET.matcher(lower).find() || lower.contains("sm80") || lower.contains("sm86")
                || lower.contains("sm89");
        boolean hopperPlus = hopperPlus(hw);
        return switch (impl) {
            case FA3 -> new AttentionKernel(impl, Products.WGMMA,
                    new Prefill(128, 0, WindowTiles.SKIPPED, PrefillSchedule.WAVES),
                    new Decode(DecodeHeads.PACKED, SplitPolicy.FLASH_DECODING));
            // FlashAttention-2 (and PyTorch's flash SDPA, which is FA2): 128 query rows up to d = 128, 64 beyond.
            case FA2 -> new AttentionKernel(impl, Products.MMA_SYNC,
                    new Prefill(headDimQk <= 128 ? 128 : 64, 0, WindowTiles.SKIPPED, PrefillSchedule.WAVES),
                    new Decode(DecodeHeads.PACKED, SplitPolicy.FLASH_DECODING));
            case FLASHINFER -> {
                int blockQ = 128;
                int blockKv = 0;
                Matcher m = FLASHINFER_TRAITS.matcher(name);
                if (m.find()) {
                    blockQ = Integer.parseInt(m.group(1));
                    blockKv = Integer.parseInt(m.group(2));
                }
                // Its sm90 templates are FA3-based; the others are FA2-style sm80 kernels.
                boolean wgmma = hopperNamed || !lower.contains("flashinfer");
                PrefillSchedule schedule = lower.contains("batchprefillpersistenttilescheduler")
                        ? PrefillSchedule.FLASHINFER_PLAN : PrefillSchedule.WAVES;
                yield new AttentionKernel(impl, wgmma ? Products.WGMMA : Products.MMA_SYNC,
                        new Prefill(blockQ, blockKv, WindowTiles.SKIPPED, schedule),
                        new Decode(DecodeHeads.PACKED, SplitPolicy.FLASH_DECODING));
            }
            // sglang's extend kernel: BLOCK_M 128 up to d = 256 on Hopper (32 beyond); on Ampere 128 / 64 / 32.
            // The sliding window is applied as a mask: every causal block is still visited.
            case TRITON -> new AttentionKernel(impl, Products.WGMMA,
                    new Prefill(hopperPlus ? (headDimQk <= 256 ? 128 : 32)
                            : (headDimQk <= 128 ? 128 : headDimQk <= 256 ? 64 : 32), 0, WindowTiles.VISITED, PrefillSchedule.WAVES),
                    new Decode(DecodeHeads.PACKED, SplitPolicy.FIXED));
            // vLLM paged attention: one block per (query head, sequence[, 512-key partition]), CUDA-core dot products.
            case PAGED -> new AttentionKernel(impl, Products.CUDA_CORES,
                    new Prefill(1, 0, WindowTiles.SKIPPED, PrefillSchedule.WAVES),
                    new Decode(DecodeHeads.ONE, lower.contains("v2") ? SplitPolicy.PARTITIONS_512 : SplitPolicy.NONE));
            // xformers/CUTLASS memory-efficient kernels (sm80 mma.sync): 64 query rows up to d = 128, 32 beyond.
            case SDPA_EFFICIENT -> new AttentionKernel(impl, Products.MMA_SYNC,
                    new Prefill(headDimQk <= 128 ? 64 : 32, 0, WindowTiles.SKIPPED, PrefillSchedule.WAVES),
                    new Decode(DecodeHeads.ONE, SplitPolicy.NONE));
            // cuDNN's fused flash kernels name their generation: ..._sm90_flash_fprop_wgmma_... or ..._sm80_..._wmma_...
            case CUDNN -> new AttentionKernel(impl, !ampereNamed || hopperNamed ? Products.WGMMA : Products.MMA_SYNC,
                    new Prefill(128, 0, WindowTiles.SKIPPED, PrefillSchedule.WAVES),
                    new Decode(DecodeHeads.ONE, SplitPolicy.NONE));
            case GENERIC -> new AttentionKernel(impl, Products.WGMMA,
                    new Prefill(128, 0, WindowTiles.SKIPPED, PrefillSchedule.WAVES),
                    new Decode(DecodeHeads.PACKED, SplitPolicy.FLASH_DECODING));
        };
    }

    /**
     * One prefill tile: {@code rows} query rows by {@code keys} keys, the unit a kernel computes whole, masked
     * entries included (causal diagonal tiles, the edges of a sliding window).
     */
    record Tile(int rows, int keys, boolean overlapsSoftmax) {

        /** A tile of a kernel that overlaps one tile's softmax with the next tile's products. */
        Tile(int rows, int keys) {
            this(rows, keys, true);
        }
    }

    /**
     * The prefill tile of this kernel for a problem. FlashAttention-3 (and the generic model on Hopper) use
     * {@code tile_size_fwd_sm90} of FA3's {@code hopper/tile_size.h} as sglang ships it (sgl-project/sgl-attn, see
     * {@link #sm90Tile}): the tile depends on the head dimensions, the element size, whether a sliding window
     * applies ({@code is_local}; a window with a causal mask is local, not causal) and on how many query rows one
     * KV head's group holds ({@code groupRows = q_len * heads / kv_heads}: 64 or fewer run one MMA warpgroup).
     * FlashAttention-2 kernels (and every kernel of the generic model below Hopper) use {@code tile_size_fwd_sm8x}
     * for sm80; FlashInfer its template's {@code CTA_Q x CTA_KV}; the others their query rows by as many keys.
     */
    Tile tile(HardwareProfile hw, long dQk, long dV, boolean latent, boolean eightBit, boolean local, boolean causal,
              long groupRows) {
        boolean hopperTiles = (implementation == Implementation.FA3 || implementation == Implementation.GENERIC)
                && hopperPlus(hw);
        if (hopperTiles) {
            // FA3 runs absorbed MLA as head dimension 64 (the rotary part) with a 512-wide value (the latent).
            // FA3 as serving engines call it reads a paged KV cache through a page table; pages smaller than
            // the key tile (sglang's 1 token, vLLM's 16) cannot be loaded by TMA, and the kernel picks the tile
            // of its cp.async path (PagedKVNonTMA).
            boolean paged = implementation == Implementation.FA3;
            return latent ? sm90Tile(64, 512, eightBit, local, causal && !local, paged, false)
                    : sm90Tile(dQk, dV, eightBit, local, causal && !local, paged,
                    fa3OneMmaWarpgroup(dQk, dV, groupRows));
        }
        if (implementation == Implementation.FA3 || implementation == Implementation.GENERIC
                || implementation == Implementation.FA2) {
            return new Tile(blockQ(), sm80KeyTile(dQk, local));
        }
        return new Tile(blockQ(), blockKv() > 0 ? blockKv() : blockQ());
    }

    /** Query rows of one KV head's group at or below which FA3 runs one MMA warpgroup ({@code use_one_mma_wg}). */
    static final long FA3_ONE_MMA_WARPGROUP_ROWS = 64;

    /**
     * Whether sglang's FA3 runs its one-MMA-warpgroup kernel ({@code use_one_mma_wg} of {@code hopper/heuristics.h}
     * and its template switch in {@code flash_fwd_launch_template.h}, sgl-attn since February 2026): head dimension
     * 64 or 128 with an equal value dimension, and at most 64 query rows per KV head ({@code seqlen_q * h / h_k},
     * {@code seqlen_q} being the longest sequence's queries). Decode and short extends run 64-row tiles on one
     * warpgroup instead of 128- or 192-row tiles on two or three.
     */
    static boolean fa3OneMmaWarpgroup(long dQk, long dV, long groupRows) {
        return (dQk == 64 || dQk == 128) && dV == dQk && groupRows <= FA3_ONE_MMA_WARPGROUP_ROWS;
    }

    /**
     * FA3's {@code tile_size_fwd_sm90} (no softcap, K/V not column-major) as sglang builds it: sgl-kernel's
     * {@code CMakeLists.txt} fetches FA3 from sgl-project/sgl-attn, and this follows {@code hopper/tile_size.h} at
     * its commit bcf72cc (March 2026, the newest pin readable here before sglang 0.5.14 of the H100 tables). It
     * differs from Dao-AILab's (8a80215 and later) in two places: the one-MMA-warpgroup tiles
     * ({@code oneMmaWarpgroup}, {@link #fa3OneMmaWarpgroup}) and the 16-bit {@code d <= 64} local tile, 192 x 192
     * instead of 192 x 128. {@code pagedNonTma} is a paged KV cache whose pages the kernel loads with cp.async
     * instead of TMA.
     */
    static Tile sm90Tile(long d, long dV, boolean eightBit, boolean local, boolean causal, boolean pagedNonTma,
                         boolean oneMmaWarpgroup) {
        if (!eightBit) {
            if (d <= 64) {
                if (dV == 512) {
                    return new Tile(64, 64, false);
                }
                if (dV == 256) {
                    return new Tile(128, 96, false);
                }
                if (oneMmaWarpgroup) {
                    return new Tile(64, 192);
                }
                return new Tile(192, causal || !local && pagedNonTma ? 128 : 192);
            }
            if (d <= 96) {
                return new Tile(192, local || pagedNonTma ? 128 : 144);
            }
            if (d <= 128) {
                return new Tile(oneMmaWarpgroup ? 64 : 128, causal || local || pagedNonTma ? 128 : 176);
            }
            if (d <= 192) {
                return new Tile(128, local || pagedNonTma ? 96 : dV <= 128 ? 128 : 112);
            }
            return new Tile(128, local ? 64 : 80);
        }
        if (d <= 64) {
            return oneMmaWarpgroup ? new Tile(64, 128) : new Tile(192, 160);
        }
        if (d <= 96) {
            return new Tile(192, 128);
        }
        if (d <= 128) {
            return oneMmaWarpgroup ? new Tile(64, 96) : new Tile(128, pagedNonTma ? 160 : 224);
        }
        if (d <= 192) {
            return new Tile(128, pagedNonTma && local ? 128 : 160);
        }
        return new Tile(128, local ? 64 : 128, !pagedNonTma);
    }

    /** Keys per tile of FlashAttention-2 on sm80 ({@code tile_size_fwd_sm8x}, 16-bit, A100: not sm86/89). */
    static int sm80KeyTile(long d, boolean local) {
        if (d <= 64) {
            return local ? 96 : 112;
        }
        if (d <= 128) {
            return local ? 48 : 64;
        }
        return local ? 64 : 96;
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

    /**
     * Whether Triton lowers the extend kernel's products to Hopper's warpgroup MMA: its MMAv3 needs the tile's rows
     * to be a multiple of 64 and the warps a multiple of 4 ({@code supportMMA} of Triton's {@code AccelerateMatmul});
     * sglang's 32-row Hopper tile ({@code d > 256}) runs on {@code mma.sync}.
     */
    static boolean tritonWarpgroupMma(HardwareProfile hw, long blockM, long warps) {
        return hopperPlus(hw) && blockM % 64 == 0 && warps % 4 == 0;
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
        if (TRITON_FWD.matcher(lower).matches() || lower.startsWith("_fwd_kernel")
                || lower.contains("unified_attention") || lower.startsWith("_attn_fwd")
                || lower.contains("extend_attention") || lower.contains("decode_attention")
                || lower.contains("prefill_attention") || lower.contains("kernel_paged_attention_2d")) {
            return Implementation.TRITON;
        }
        return Implementation.GENERIC;
    }
}
