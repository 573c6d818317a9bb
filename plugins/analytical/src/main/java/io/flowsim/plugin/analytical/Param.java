package io.flowsim.plugin.analytical;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The tunable parameters of the analytical model: efficiencies (fractions of a datasheet peak, so at
 * most 1), fixed latencies and a few shape constants. Each belongs to a {@link FitGroup}, the unit
 * {@code flowsim calibrate} fits at a time, and to a JSON section of a hardware profile
 * ({@code "efficiency": {"gemm": {"compute_efficiency": 0.82}}}). Bounds are physical limits the
 * calibration never crosses; the fallback is used when a profile does not give a value.
 */
enum Param {
    GEMM_COMPUTE_EFFICIENCY(FitGroup.GEMM, "compute_efficiency", 0.3, 1.0, 0.8,
            "fraction of the dense tensor peak the GEMM main loop sustains (16-bit and wider types)"),
    GEMM_FP8_COMPUTE_EFFICIENCY(FitGroup.GEMM, "fp8_compute_efficiency", 0.2, 1.0, 0.7,
            "the same for 8-bit and narrower types (scaled FP8, block-scaled FP8, INT8, FP4)"),
    GEMM_FP8_FULL_LOAD_FACTOR(FitGroup.GEMM, "fp8_full_load_factor", 0.3, 1.0, 1.0,
            "share of fp8_compute_efficiency an FP8 GEMM keeps while every SM is busy (the board's power"
                    + " limit lowers the clock under a full FP8 load; 1 = no such drop), linear in the busy share"),
    GEMM_FP8_SUSTAINED_FACTOR(FitGroup.GEMM, "fp8_sustained_factor", 0.2, 1.0, 1.0,
            "share of its full-load rate an FP8 GEMM keeps once the board has run it long at its power limit"
                    + " (the clock keeps falling for fp8_throttle_time_ms; 1 = no such drop)"),
    GEMM_FP8_THROTTLE_TIME_MS(FitGroup.GEMM, "fp8_throttle_time_ms", 0.1, 1000, 10,
            "time constant of that fall: the rate decays exponentially from the full-load rate to the sustained one"),
    GEMM_BLOCK_FP8_COMPUTE_EFFICIENCY(FitGroup.GEMM, "block_fp8_compute_efficiency", 0.2, 1.0, 0.65,
            "the same for block-scaled FP8 (DeepGEMM-style 1x128 / 128x128 scales, gemm.scaling = block)"),
    GEMM_BLOCK_FP8_STEP_LATENCY_NS(FitGroup.GEMM, "block_fp8_step_latency_ns", 0, 1000, 100,
            "serial time per 128-wide K block of a block-scaled FP8 GEMM (DeepGEMM) beyond its MMA work: its"
                    + " math warpgroups wait for the block's WGMMAs, then promote the accumulators with the block's scales"),
    GEMM_BLOCK_FP8_SUSTAINED_FACTOR(FitGroup.GEMM, "block_fp8_sustained_factor", 0.2, 1.0, 1.0,
            "fp8_sustained_factor for block-scaled FP8 (its MMAs leave gaps for the scale promotion, so it draws less"
                    + " power; same time constant fp8_throttle_time_ms; 1 = no drop)"),
    GEMM_TF32_COMPUTE_EFFICIENCY(FitGroup.GEMM, "tf32_compute_efficiency", 0.2, 1.0, 0.66,
            "the same for FP32 operands on TF32 tensor cores (kernel names with tf32 or s1688gemm)"),
    GEMM_FP32_COMPUTE_EFFICIENCY(FitGroup.GEMM, "fp32_compute_efficiency", 0.2, 1.0, 0.8,
            "fraction of the FP32 (CUDA core, SIMT) peak an sgemm sustains"),
    GEMM_NARROW_LOAD_EFFICIENCY(FitGroup.GEMM, "narrow_load_efficiency", 0.3, 1.0, 0.53,
            "share of its compute rate a tensor-core GEMM keeps when its name says it loads operands in"
                    + " accesses narrower than 16 bytes (CUTLASS _align1/_align2 for FP32)"),
    GEMM_NARROW_STORE_K(FitGroup.GEMM, "narrow_store_k", 0, 1024, 160,
            "extra per-tile time, in steps of K, of such a kernel whose operands are aligned and only its"
                    + " output's leading dimension is not: the epilogue stores (and bias loads) are 4-byte"),
    GEMM_MEMORY_EFFICIENCY(FitGroup.GEMM, "memory_efficiency", 0.3, 1.0, 0.85,
            "fraction of the HBM bandwidth a GEMM reaches when it streams its operands"),
    GEMM_FIXED_LATENCY_US(FitGroup.GEMM, "fixed_latency_us", 0.5, 15, 3,
            "time a GEMM kernel spends regardless of its size (launch ramp, prologue, epilogue, tail)"),
    GEMM_TILE_OVERHEAD_K(FitGroup.GEMM, "tile_overhead_k", 0, 1024, 128,
            "per-tile pipeline fill and epilogue, in units of one step of K"),
    GEMM_L2_BANDWIDTH_GBPS(FitGroup.GEMM, "l2_bandwidth_gbps", 1000, 20000, 5000,
            "rate, in GB/s, at which a GEMM reads and writes operands resident in the L2 cache (a measured"
                    + " loop's working set kept there from the previous iteration, measurement.loop_bytes)"),
    GEMM_L2_RESIDENT_FRACTION(FitGroup.GEMM, "l2_resident_fraction", 0.2, 1.0, 0.75,
            "share of the L2 cache a loop's working set fills and is still wholly read from it on the next"
                    + " iteration; above it the resident share falls linearly to none at the L2's size"),
    GEMM_GRAPH_REPLAY_GAP_US(FitGroup.GEMM, "graph_replay_gap_us", 0, 10, 0,
            "time between the last kernel of one replay of a CUDA graph and the first of the next, replays queued"
                    + " back to back; a measured call carries its share (measurement.calls_per_replay)"),
    GEMM_BANDWIDTH_SATURATION(FitGroup.GEMM, "bandwidth_saturation", 0.02, 1.0, 0.5,
            "fraction of the SMs that must be busy to reach the full memory bandwidth"),
    GEMM_SMALL_TILE_INTENSITY(FitGroup.GEMM, "small_tile_intensity", 8, 256, 48,
            "tile arithmetic intensity tm*tn/(tm+tn) below which a tile cannot feed the tensor cores"),
    GEMM_ROOFLINE_SHARPNESS(FitGroup.GEMM, "roofline_sharpness", 1, 8, 3,
            "p of the p-norm joining compute and memory time (large p = sharp roofline corner)"),
    GEMM_SPLIT_K_OVERHEAD_US(FitGroup.GEMM, "split_k_overhead_us", 0, 20, 2,
            "extra time of a split-K GEMM (the partial-sum reduction)"),
    GEMM_BATCHED_SPLIT_K_STEP_US(FitGroup.GEMM, "batched_split_k_step_us", 0, 5, 0,
            "time each K slice beyond the first adds to a strided-batched GEMM (torch.bmm) whose kernel adds its"
                    + " slices into the output in place, one after another; 0: such a call splits K like any GEMM,"
                    + " at split_k_overhead_us"),
    GEMM_FP8_QUANT_MEMORY_EFFICIENCY(FitGroup.GEMM, "fp8_quant_memory_efficiency", 0.05, 1.0, 0.7,
            "fraction of the HBM bandwidth sgl-kernel's per-token FP8 activation quantization reaches (the"
                    + " kernel before a row-wise scaled FP8 GEMM: two reads of each row, an FP8 write)"),
    GEMM_FP8_QUANT_FIXED_LATENCY_US(FitGroup.GEMM, "fp8_quant_fixed_latency_us", 0.5, 30, 2.5,
            "time that quantization kernel spends regardless of its size"),
    GEMM_FP8_GROUP_QUANT_FIXED_LATENCY_US(FitGroup.GEMM, "fp8_group_quant_fixed_latency_us", 0.5, 30, 2.5,
            "time sgl-kernel's per-token-group FP8 quantization (the kernel before a block-scaled FP8 GEMM: one"
                    + " read of each row, an FP8 write, at fp8_quant_memory_efficiency) spends regardless of its size"),

    PREFILL_COMPUTE_EFFICIENCY(FitGroup.ATTENTION_PREFILL, "compute_efficiency", 0.1, 1.0, 0.6,
            "fraction of the tensor peak a prefill attention kernel sustains at large head dimension"),
    PREFILL_FP8_COMPUTE_EFFICIENCY(FitGroup.ATTENTION_PREFILL, "fp8_compute_efficiency", 0.1, 1.0, 0.45,
            "the same for 8-bit queries and keys (relative to the FP8 peak)"),
    PREFILL_LATENT_COMPUTE_EFFICIENCY(FitGroup.ATTENTION_PREFILL, "latent_compute_efficiency", 0.1, 1.0, 0.6,
            "the same for MLA over the shared latent (one KV head of d_qk 576 / d_v 512)"),
    PREFILL_HEAD_DIM_HALF(FitGroup.ATTENTION_PREFILL, "head_dim_half", 0, 512, 32,
            "head dimension at which prefill efficiency is halved: efficiency * d / (d + head_dim_half), d the mean of"
                    + " d_qk and d_v (the softmax costs the same per (query, key) entry whatever the head dimensions)"),
    PREFILL_FIXED_LATENCY_US(FitGroup.ATTENTION_PREFILL, "fixed_latency_us", 0.5, 30, 5,
            "time a prefill attention kernel spends regardless of its size"),
    PREFILL_CTA_OVERHEAD_US(FitGroup.ATTENTION_PREFILL, "cta_overhead_us", 0, 20, 1,
            "fixed cost of one wave of thread blocks (load Q, softmax epilogue, write O)"),
    PREFILL_CTAS_PER_SM(FitGroup.ATTENTION_PREFILL, "ctas_per_sm", 1, 4, 1,
            "thread blocks resident per SM"),
    PREFILL_WAVE_QUANTIZATION(FitGroup.ATTENTION_PREFILL, "wave_quantization", 0, 1, 0.5,
            "how much of the wave-quantization loss shows (0 none, 1 all; causal work is uneven)"),
    PREFILL_MEMORY_EFFICIENCY(FitGroup.ATTENTION_PREFILL, "memory_efficiency", 0.2, 1.0, 0.8,
            "fraction of the HBM bandwidth for Q, K, V and O traffic"),
    PREFILL_MASKED_TILE_COST(FitGroup.ATTENTION_PREFILL, "masked_tile_cost", 0, 2, 0,
            "extra time of a masked key tile (the causal diagonal, a sliding window's edges, the last keys) as a"
                    + " share of its products, in a kernel that overlaps one tile's softmax with the next tile's"
                    + " products (Hopper's FA3 and its kin): the masked tiles are peeled out of that pipeline"),
    PREFILL_MMA_SYNC_FRACTION(FitGroup.ATTENTION_PREFILL, "mma_sync_fraction", 0.2, 1.0, 1.0,
            "share of the dense tensor peak a kernel built on sm80's warp-level mma.sync (FlashAttention-2,"
                    + " memory-efficient, cuDNN sm80 kernels) can use on this GPU: 1 on Ampere and Ada; Hopper's full"
                    + " rate needs its warpgroup (wgmma) instructions"),

    TRITON_PREFILL_COMPUTE_EFFICIENCY(FitGroup.ATTENTION_PREFILL_TRITON, "compute_efficiency", 0.02, 1.0, 0.11,
            "share of one SM's 16-bit tensor peak at which a Triton prefill/extend thread block works through one"
                    + " key tile when it has the GPU to itself (sglang's kernel does not pipeline its loads:"
                    + " num_stages = 1)"),
    TRITON_PREFILL_PRODUCT_SHARE(FitGroup.ATTENTION_PREFILL_TRITON, "product_share", 0, 1, 0.39,
            "share of a 16-bit key tile's latency spent in its two products; where Triton emits Hopper's warpgroup"
                    + " MMA (BLOCK_M a multiple of 64) an 8-bit tile runs that share at the 8-bit peak"),
    TRITON_PREFILL_CTA_OVERHEAD_US(FitGroup.ATTENTION_PREFILL_TRITON, "cta_overhead_us", 0, 100, 1.8,
            "fixed cost of one Triton prefill thread block (load its Q rows, the epilogue, write O)"),
    TRITON_PREFILL_FIXED_LATENCY_US(FitGroup.ATTENTION_PREFILL_TRITON, "fixed_latency_us", 0.5, 30, 0.5,
            "time a Triton prefill attention kernel spends regardless of its size"),
    TRITON_PREFILL_REGISTER_OVERHEAD(FitGroup.ATTENTION_PREFILL_TRITON, "register_overhead", 0, 200, 132,
            "registers per thread a Triton prefill kernel needs beyond its tiles (addresses, indices, softmax"
                    + " state); what exceeds the 255 a thread can hold is spilled to local memory"),
    TRITON_PREFILL_SPILL_BANDWIDTH_GBPS(FitGroup.ATTENTION_PREFILL_TRITON, "spill_bandwidth_gbps_per_sm", 1, 200, 12.6,
            "local-memory (L1/L2) bandwidth per SM at which spilled registers are stored and reloaded once per"
                    + " key tile when every SM is busy"),
    TRITON_PREFILL_SKIPPED_TILE_LATENCY(FitGroup.ATTENTION_PREFILL_TRITON, "skipped_tile_latency_fraction", 0, 1, 0.16,
            "time of a key tile wholly outside the sliding window (visited, masked, skipped), as a share of the"
                    + " spill traffic time of its loop-carried state (accumulator, Q), for one thread block alone"),
    TRITON_PREFILL_SKIPPED_TILE_TRAFFIC(FitGroup.ATTENTION_PREFILL_TRITON, "skipped_tile_traffic_fraction", 0, 1, 0.36,
            "the same share for the spill traffic when every SM is busy"),
    TRITON_PREFILL_ROOFLINE_SHARPNESS(FitGroup.ATTENTION_PREFILL_TRITON, "roofline_sharpness", 1, 10, 4.9,
            "p of the p-norm joining the thread-block schedule (latency) and the spill traffic (throughput)"),

    TRITON_DECODE_MEMORY_EFFICIENCY(FitGroup.ATTENTION_DECODE_TRITON, "memory_efficiency", 0.1, 1.0, 0.7,
            "fraction of the HBM bandwidth a Triton decode attention kernel reaches reading a 16-bit KV cache"),
    TRITON_DECODE_FP8_MEMORY_EFFICIENCY(FitGroup.ATTENTION_DECODE_TRITON, "fp8_memory_efficiency", 0.05, 1.0, 0.5,
            "the same for an 8-bit KV cache"),
    TRITON_DECODE_CTA_OVERHEAD_US(FitGroup.ATTENTION_DECODE_TRITON, "cta_overhead_us", 0, 50, 4,
            "fixed cost of one wave of Triton decode thread blocks"),
    TRITON_DECODE_CTA_HEAD_DIM_EXPONENT(FitGroup.ATTENTION_DECODE_TRITON, "cta_head_dim_exponent", 0, 3, 0.5,
            "how the per-wave cost grows with the head dimension: cta_overhead_us * (d / 128)^exponent"),
    TRITON_DECODE_FIXED_LATENCY_US(FitGroup.ATTENTION_DECODE_TRITON, "fixed_latency_us", 0.5, 30, 5,
            "time the two Triton decode kernels (stage 1 and the reduction of its splits) spend regardless of size"),
    CONTIGUOUS_DECODE_CTA_OVERHEAD_US(FitGroup.ATTENTION_DECODE_CONTIGUOUS, "cta_overhead_us", 0, 20, 3,
            "fixed cost of one wave of a one-pass decode kernel over a contiguous KV cache (cuDNN and"
                    + " memory-efficient SDPA: no page table, no split, no partial results)"),
    TRITON_DECODE_KV_SPLITS(FitGroup.ATTENTION_DECODE_TRITON, "kv_splits", 1, 64, 8,
            "splits of each sequence's KV cache (sglang's num_kv_splits, 8 by default)"),
    TRITON_DECODE_BLOCK_GBPS(FitGroup.ATTENTION_DECODE_TRITON, "block_gbps", 1, 200, 13,
            "keys and values (counted as 16-bit bytes) one Triton decode thread block streams per second, in GB/s:"
                    + " its loads are latency-bound (32 keys per iteration, two stages in flight), so a block's"
                    + " split takes its length over this rate however idle the rest of the GPU is; an 8-bit cache"
                    + " goes at the same key rate"),

    DECODE_MEMORY_EFFICIENCY(FitGroup.ATTENTION_DECODE, "memory_efficiency", 0.2, 1.0, 0.8,
            "fraction of the HBM bandwidth a decode attention kernel reaches reading the KV cache"),
    DECODE_FP8_MEMORY_EFFICIENCY(FitGroup.ATTENTION_DECODE, "fp8_memory_efficiency", 0.1, 1.0, 0.6,
            "the same for an 8-bit KV cache (dequantization slows the stream)"),
    DECODE_COMPUTE_EFFICIENCY(FitGroup.ATTENTION_DECODE, "compute_efficiency", 0.1, 1.0, 0.5,
            "fraction of the tensor peak for the score and value products"),
    DECODE_LATENT_COMPUTE_EFFICIENCY(FitGroup.ATTENTION_DECODE, "latent_compute_efficiency", 0.1, 1.0, 0.5,
            "the same for MLA over the shared latent (all query heads against one KV head)"),
    DECODE_FIXED_LATENCY_US(FitGroup.ATTENTION_DECODE, "fixed_latency_us", 0.5, 30, 5,
            "time a decode attention kernel spends regardless of its size"),
    DECODE_CTA_OVERHEAD_US(FitGroup.ATTENTION_DECODE, "cta_overhead_us", 0, 20, 3,
            "fixed cost of one wave of thread blocks (page-table walk, Q load, partial output)"),
    DECODE_CTA_HEAD_DIM_EXPONENT(FitGroup.ATTENTION_DECODE, "cta_head_dim_exponent", 0, 2, 0,
            "how the per-wave cost grows with the head dimension: cta_overhead_us * (d / 128)^exponent"),
    DECODE_CTAS_PER_SM(FitGroup.ATTENTION_DECODE, "ctas_per_sm", 1, 8, 2,
            "thread blocks resident per SM"),
    DECODE_SPLIT_CHUNK(FitGroup.ATTENTION_DECODE, "split_chunk", 32, 8192, 512,
            "smallest KV chunk one split handles (split-KV / flash-decoding)"),
    DECODE_MAX_SPLITS(FitGroup.ATTENTION_DECODE, "max_splits", 1, 256, 64,
            "most splits of one sequence's KV cache"),
    DECODE_BANDWIDTH_SATURATION(FitGroup.ATTENTION_DECODE, "bandwidth_saturation", 0.02, 1.0, 0.3,
            "fraction of the SMs that must be busy to reach the full memory bandwidth"),
    DECODE_COMBINE_US(FitGroup.ATTENTION_DECODE, "combine_us", 0, 20, 2,
            "extra time to combine the partial results of a split KV cache"),
    DECODE_ROOFLINE_SHARPNESS(FitGroup.ATTENTION_DECODE, "roofline_sharpness", 1, 8, 2,
            "p of the p-norm joining streaming time and per-wave overhead"),
    DECODE_LATENT_FP8_GELEMENTS_PER_SM(FitGroup.ATTENTION_DECODE, "latent_fp8_gelements_per_sm", 0.2, 50, 1.95,
            "latent elements per second (in billions) one busy SM converts when an MLA decode kernel reads an 8-bit"
                    + " cache with 16-bit queries: a per-SM throughput bound beside the HBM stream"),

    FA3_DECODE_MEMORY_EFFICIENCY(FitGroup.ATTENTION_DECODE_FA3, "memory_efficiency", 0.2, 1.0, 0.9,
            "fraction of the HBM bandwidth FlashAttention-3's decode reaches reading a 16-bit KV cache"),
    FA3_DECODE_FP8_MEMORY_EFFICIENCY(FitGroup.ATTENTION_DECODE_FA3, "fp8_memory_efficiency", 0.1, 1.0, 0.6,
            "the same over an 8-bit KV cache (the e4m3 kernel transposes every V tile in shared memory)"),
    FA3_DECODE_MMA_EFFICIENCY(FitGroup.ATTENTION_DECODE_FA3, "mma_efficiency", 0.1, 1.0, 0.9,
            "fraction of one SM's 16-bit tensor peak a decode thread block's score and value products reach,"
                    + " counted over all kBlockM rows of its tile (a packed GQA group fills only a few of them)"),
    FA3_DECODE_FP8_MMA_EFFICIENCY(FitGroup.ATTENTION_DECODE_FA3, "fp8_mma_efficiency", 0.05, 1.0, 0.5,
            "the same for the e4m3 kernel (8-bit cache, queries cast to 8 bits), of one SM's 8-bit peak"),
    FA3_DECODE_FIXED_LATENCY_US(FitGroup.ATTENTION_DECODE_FA3, "fixed_latency_us", 0.5, 30, 4,
            "time FlashAttention-3's decode spends regardless of its size (its launch and that of the kernel that"
                    + " sets the splits, prepare_varlen_num_blocks)"),
    FA3_DECODE_CTA_OVERHEAD_US(FitGroup.ATTENTION_DECODE_FA3, "cta_overhead_us", 0, 20, 1.7,
            "fixed cost of one decode thread block (Q load, page-table reads, the first K/V round trip, its"
                    + " output or partial output)"),
    FA3_DECODE_BANDWIDTH_SATURATION(FitGroup.ATTENTION_DECODE_FA3, "bandwidth_saturation", 0.02, 1.0, 0.3,
            "fraction of the SMs whose thread blocks must stream keys to reach the full memory bandwidth"),
    FA3_DECODE_COMBINE_US(FitGroup.ATTENTION_DECODE_FA3, "combine_us", 0, 20, 1.5,
            "time of FlashAttention-3's combine kernel, launched when its split heuristic allows more than one split"),
    FA3_DECODE_ROOFLINE_SHARPNESS(FitGroup.ATTENTION_DECODE_FA3, "roofline_sharpness", 1, 8, 2,
            "p of the p-norm joining the KV stream and the thread blocks' chain of tiles"),

    MOE_COMPUTE_EFFICIENCY(FitGroup.MOE, "compute_efficiency", 0.05, 1.0, 0.5,
            "fraction of the tensor peak a grouped expert GEMM sustains (16-bit types)"),
    MOE_FP8_COMPUTE_EFFICIENCY(FitGroup.MOE, "fp8_compute_efficiency", 0.05, 1.0, 0.4,
            "the same for 8-bit and narrower types"),
    MOE_MEMORY_EFFICIENCY(FitGroup.MOE, "memory_efficiency", 0.2, 1.0, 0.8,
            "fraction of the HBM bandwidth for streaming the active experts' weights"),
    MOE_FIXED_LATENCY_US(FitGroup.MOE, "fixed_latency_us", 0.5, 30, 4,
            "time one expert GEMM kernel spends regardless of its size"),
    MOE_BLOCK_M(FitGroup.MOE, "block_m", 16, 256, 64,
            "rows of one tile of the grouped GEMM: each active expert's tokens are padded to it"),
    MOE_TILE_OVERHEAD_K(FitGroup.MOE, "tile_overhead_k", 0, 2048, 128,
            "per-tile pipeline fill and epilogue, in units of one step of K"),
    MOE_BANDWIDTH_SATURATION(FitGroup.MOE, "bandwidth_saturation", 0.02, 1.0, 0.5,
            "fraction of the SMs that must be busy to reach the full memory bandwidth"),
    MOE_ROOFLINE_SHARPNESS(FitGroup.MOE, "roofline_sharpness", 1, 8, 2,
            "p of the p-norm joining compute and memory time"),
    MOE_L2_REUSE(FitGroup.MOE, "l2_reuse", 0.1, 4, 1,
            "L2 capacity, as a multiple of the L2 size, over which an expert's weights are re-read per row tile"),

    NORM_MEMORY_EFFICIENCY(FitGroup.NORM, "memory_efficiency", 0.05, 1.0, 0.6,
            "fraction of the HBM bandwidth a normalization kernel reaches"),
    NORM_FIXED_LATENCY_US(FitGroup.NORM, "fixed_latency_us", 0.5, 30, 3,
            "time a normalization kernel spends regardless of its size"),
    NORM_ROW_LATENCY_US(FitGroup.NORM, "row_latency_us", 0, 10, 0,
            "time one thread block takes for one row regardless of its width (load, the reduction's"
                    + " synchronizations, the write); 0 turns the per-row bound off"),
    NORM_ROW_NS_PER_ELEMENT(FitGroup.NORM, "row_ns_per_element", 0, 10, 0,
            "time one thread block takes per element of its row (the row is walked serially by the block)"),
    NORM_ROWS_PER_SM(FitGroup.NORM, "rows_per_sm", 1, 32, 8,
            "rows (thread blocks) one SM works on at once"),
    ELEMENTWISE_MEMORY_EFFICIENCY(FitGroup.ELEMENTWISE, "memory_efficiency", 0.05, 1.0, 0.7,
            "fraction of the HBM bandwidth an elementwise kernel reaches (also sampling, fills)"),
    ELEMENTWISE_FIXED_LATENCY_US(FitGroup.ELEMENTWISE, "fixed_latency_us", 0.5, 30, 2.5,
            "time an elementwise kernel spends regardless of its size"),
    VECTORIZED_MEMORY_EFFICIENCY(FitGroup.ELEMENTWISE_VECTORIZED, "memory_efficiency", 0.05, 1.0, 0.8,
            "fraction of the HBM bandwidth a contiguous, vectorized elementwise or copy kernel reaches"
                    + " (PyTorch vectorized_elementwise_kernel: 16-byte loads, no index arithmetic)"),
    VECTORIZED_FIXED_LATENCY_US(FitGroup.ELEMENTWISE_VECTORIZED, "fixed_latency_us", 0.5, 30, 1.5,
            "time a vectorized elementwise kernel spends regardless of its size"),
    STRIDED_MEMORY_EFFICIENCY(FitGroup.ELEMENTWISE_STRIDED, "memory_efficiency", 0.05, 1.0, 0.5,
            "fraction of the HBM bandwidth PyTorch's generic elementwise kernel reaches (elementwise_kernel,"
                    + " unrolled_elementwise_kernel: strided, broadcast or type-converting operands)"),
    STRIDED_FIXED_LATENCY_US(FitGroup.ELEMENTWISE_STRIDED, "fixed_latency_us", 0.5, 30, 2.5,
            "time a generic (strided) elementwise kernel spends regardless of its size"),
    REDUCTION_MEMORY_EFFICIENCY(FitGroup.REDUCTION, "memory_efficiency", 0.05, 1.0, 0.6,
            "fraction of the HBM bandwidth a reduction or scan reaches"),
    REDUCTION_FIXED_LATENCY_US(FitGroup.REDUCTION, "fixed_latency_us", 0.5, 30, 3,
            "time a reduction kernel spends regardless of its size"),
    REDUCTION_LAUNCH_FLOOR_US(FitGroup.REDUCTION, "launch_floor_us", 0.2, 10, 1.0,
            "time of a kernel that moves no operand data (a few bookkeeping stores: PyTorch topk's fill, cub's"
                    + " scan-state init): launch, one block's start and drain"),
    REDUCTION_ROUND_TRIP_US(FitGroup.REDUCTION, "round_trip_us", 0.02, 2, 0.15,
            "one dependent global-memory round trip of a single thread block (a load whose result the next"
                    + " step waits for), for kernels that walk their data serially with one block"),
    REDUCTION_WARP_SOFTMAX_LATENCY_US(FitGroup.REDUCTION, "warp_softmax_latency_us", 0.5, 30, 3,
            "time PyTorch's warp-per-row softmax (softmax_warp_forward/backward) spends regardless of its size:"
                    + " the launch, one load round, two warp-shuffle reductions and a store, without its threads' walk"
                    + " over their elements (priced at the norm's per-element cost; the prior is the reduction's)"),
    REDUCTION_SAME_ADDRESS_ATOMIC_NS(FitGroup.REDUCTION, "same_address_atomic_ns", 0, 100, 1.0,
            "time between two atomics on one address (they serialize at the L2 slice that owns it), for kernels"
                    + " that fold a whole tensor into one value with one atomic per thread block (the absmax of a"
                    + " per-tensor FP8 quantization); the prior is the H100's fitted value rounded"),
    POOLING_WINDOW_CACHE_RATIO(FitGroup.REDUCTION, "window_cache_ratio", 1, 20, 3,
            "bandwidth at which L1/L2 serve a pooling kernel's repeated window loads, as a multiple of the"
                    + " HBM bandwidth it reaches (a prior: no shared measurement times a pooling kernel)"),
    COPY_MEMORY_EFFICIENCY(FitGroup.COPY, "memory_efficiency", 0.05, 1.0, 0.7,
            "fraction of the HBM bandwidth a copy, gather or scatter kernel reaches"),
    COPY_FIXED_LATENCY_US(FitGroup.COPY, "fixed_latency_us", 0.5, 30, 2.5,
            "time a copy kernel spends regardless of its size"),
    COPY_INDEX_ROUND_US(FitGroup.COPY, "index_round_us", 0.05, 5, 0.75,
            "one round of PyTorch's index_select / index_add loops (indexSelect*/indexFunc* kernels): the index"
                    + " load and the dependent load of the element it addresses, one element per thread"),
    COPY_CAT_ROUND_US(FitGroup.COPY, "cat_round_us", 0.05, 5, 1.0,
            "one iteration of PyTorch's generic cat loop (CatArrayBatchedCopy, CatArrayBatchedCopy_contig) with"
                    + " every SM full: each thread's output and input offsets (a division and a remainder per"
                    + " dimension) and the load and store of its one element"),

    TRANSFER_DEVICE_EFFICIENCY(FitGroup.TRANSFER, "device_efficiency", 0.1, 1.0, 0.85,
            "fraction of the HBM bandwidth of a device-to-device memcpy or a memset"),
    TRANSFER_PCIE_EFFICIENCY(FitGroup.TRANSFER, "pcie_efficiency", 0.1, 1.0, 0.8,
            "fraction of the PCIe bandwidth of a host-device memcpy"),
    TRANSFER_PAGEABLE_FRACTION(FitGroup.TRANSFER, "pageable_fraction", 0.1, 1.0, 0.5,
            "share of the pinned host-copy bandwidth a copy from or to pageable memory reaches (driver staging)"),
    TRANSFER_FIXED_LATENCY_US(FitGroup.TRANSFER, "fixed_latency_us", 0.5, 50, 2,
            "time a host or peer memcpy spends regardless of its size (the link's round trip)"),
    TRANSFER_DEVICE_FIXED_LATENCY_US(FitGroup.TRANSFER, "device_fixed_latency_us", 0.3, 50, 2,
            "time a memset or device-to-device memcpy spends regardless of its size (a driver kernel"
                    + " that never leaves the GPU)"),

    NCCL_BUS_EFFICIENCY(FitGroup.COLLECTIVE, "bus_efficiency", 0.05, 1.0, 0.8,
            "bus bandwidth a ring collective reaches, as a fraction of the NVLink bandwidth per direction"),
    NCCL_NVLS_BUS_EFFICIENCY(FitGroup.COLLECTIVE, "nvls_bus_efficiency", 0.05, 1.5, 1.0,
            "the same for NVLink SHARP all-reduce (switch-side reduction halves the traffic, so up to 1.5)"),
    NCCL_BASE_LATENCY_US(FitGroup.COLLECTIVE, "base_latency_us", 1, 100, 8,
            "fixed latency of a collective with the Simple protocol"),
    NCCL_HOP_LATENCY_US(FitGroup.COLLECTIVE, "hop_latency_us", 0, 20, 1,
            "latency added per ring step with the Simple protocol"),
    NCCL_PIPELINE_FILL_US(FitGroup.COLLECTIVE, "pipeline_fill_us", 0, 400, 40,
            "time to fill NCCL's chunk pipeline, paid in full by large messages (Simple protocol)"),
    NCCL_PIPELINE_FILL_MB(FitGroup.COLLECTIVE, "pipeline_fill_mb", 0.1, 1000, 16,
            "message size (MB moved per GPU) over which the pipeline fill builds up"),
    NCCL_LL_BASE_LATENCY_US(FitGroup.COLLECTIVE, "ll_base_latency_us", 1, 60, 5,
            "fixed latency of a collective with the low-latency (LL) protocol"),
    NCCL_LL_HOP_LATENCY_US(FitGroup.COLLECTIVE, "ll_hop_latency_us", 0, 20, 0.6,
            "latency added per ring step with the LL protocol"),
    NCCL_LL_BANDWIDTH_FRACTION(FitGroup.COLLECTIVE, "ll_bandwidth_fraction", 0.05, 0.5, 0.4,
            "bandwidth of the LL protocol relative to Simple (at most 1/2: LL sends a flag with every 8 bytes)"),
    NCCL_NET_BUS_EFFICIENCY(FitGroup.COLLECTIVE, "net_bus_efficiency", 0.05, 1.0, 0.9,
            "fraction of the per-GPU network bandwidth between nodes (internode_bandwidth_gbps) NCCL's transfers"
                    + " across nodes sustain (a prior: RDMA over InfiniBand or RoCE keeps large messages near line rate)"),
    NCCL_NET_HOP_LATENCY_US(FitGroup.COLLECTIVE, "net_hop_latency_us", 0, 100, 10,
            "latency of one step across the network with the Simple and LL128 protocols: the proxy thread posts"
                    + " a chunk's RDMA write and the receiver sees its completion (a prior)"),
    NCCL_NET_LL_HOP_LATENCY_US(FitGroup.COLLECTIVE, "net_ll_hop_latency_us", 0, 50, 4,
            "the same with the LL protocol, which needs no completion: the flags travel with the data (a prior)"),
    CUSTOM_ALLREDUCE_LATENCY_US(FitGroup.CUSTOM_ALLREDUCE, "latency_us", 0.5, 50, 4,
            "fixed latency of a custom (peer-to-peer, one- or two-shot) all-reduce kernel"),
    CUSTOM_ALLREDUCE_EFFICIENCY(FitGroup.CUSTOM_ALLREDUCE, "efficiency", 0.05, 1.0, 0.7,
            "fraction of the NVLink bandwidth per direction a custom all-reduce reaches");

    private final FitGroup group;
    private final String key;
    private final double lower;
    private final double upper;
    private final double fallback;
    private final String description;

    Param(FitGroup group, String key, double lower, double upper, double fallback, String description) {
        this.group = group;
        this.key = key;
        this.lower = lower;
        this.upper = upper;
        this.fallback = fallback;
        this.description = description;
    }

    FitGroup group() {
        return group;
    }

    /** The key inside the group's JSON section. */
    String key() {
        return key;
    }

    /** {@code section.key}, e.g. {@code gemm.compute_efficiency}. */
    String qualifiedName() {
        return group.section() + "." + key;
    }

    double lower() {
        return lower;
    }

    double upper() {
        return upper;
    }

    double fallback() {
        return fallback;
    }

    /** What the parameter means, for people reading profiles. */
    String description() {
        return description;
    }

    static Optional<Param> find(String section, String key) {
        for (Param p : values()) {
            if (p.group.section().equals(section) && p.key.equals(key)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static List<Param> of(FitGroup group) {
        List<Param> list = new ArrayList<>();
        for (Param p : values()) {
            if (p.group == group) {
                list.add(p);
            }
        }
        return list;
    }

    /**
     * The parts of the model {@code flowsim calibrate} fits one at a time; each is a JSON section of a
     * profile's {@code efficiency} object.
     */
    enum FitGroup {
        GEMM("gemm"),
        ATTENTION_PREFILL("attention_prefill"),
        ATTENTION_DECODE("attention_decode"),
        ATTENTION_PREFILL_TRITON("attention_prefill_triton"),
        ATTENTION_DECODE_TRITON("attention_decode_triton"),
        ATTENTION_DECODE_CONTIGUOUS("attention_decode_contiguous"),
        ATTENTION_DECODE_FA3("attention_decode_fa3"),
        MOE("moe"),
        NORM("norm"),
        ELEMENTWISE("elementwise"),
        ELEMENTWISE_VECTORIZED("elementwise_vectorized"),
        ELEMENTWISE_STRIDED("elementwise_strided"),
        REDUCTION("reduction"),
        COPY("copy"),
        TRANSFER("transfer"),
        COLLECTIVE("collective"),
        CUSTOM_ALLREDUCE("custom_allreduce");

        private final String section;

        FitGroup(String section) {
            this.section = section;
        }

        String section() {
            return section;
        }

        static Optional<FitGroup> fromSection(String section) {
            for (FitGroup g : values()) {
                if (g.section.equals(section.trim().toLowerCase(Locale.ROOT))) {
                    return Optional.of(g);
                }
            }
            return Optional.empty();
        }
    }
}
