package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.SimulationRequest;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Attention (FlashAttention, FlashInfer, cuDNN SDPA, MLA), prefill and decode.
 *
 * <p>Prefill is compute-bound: the score and value products cost {@code 2 * (d_qk + d_v)} FLOPs per
 * (query, key) pair that the mask keeps (half the square for causal attention, less with a sliding
 * window). Thread blocks of 128 query rows per head are dealt to the SMs in waves; the work runs at
 * a fraction of the tensor peak that drops for small head dimensions, each wave pays a fixed cost,
 * and the slowest block (the last query rows, which see every key) bounds the time from below.
 *
 * <p>Decode is bandwidth-bound: it streams the KV cache ({@code kv_len * kv_heads * (d_qk + d_v)}
 * elements per sequence, or one shared latent vector per token for MLA). One thread block handles
 * one (sequence, KV head) pair and possibly a split of the cache; with few blocks the achievable
 * bandwidth is limited by how many SMs are busy, and with many blocks a fixed per-wave cost (page
 * table walk, Q load, partial output) dominates. Both are joined by a p-norm.
 */
final class AttentionModel {

    private static final int BLOCK_Q = 128;

    private AttentionModel() {
    }

    /** The attention problem. */
    record Problem(long batch, long qLen, long kvLen, long heads, long kvHeads, long headDim, long headDimV,
                   boolean latent, boolean causal, long window, boolean decode, DataType qType, DataType kvType) {
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        Object parsed = parse(r);
        if (parsed instanceof String reason) {
            return Estimate.unsupported(reason);
        }
        Problem p = (Problem) parsed;
        AttentionKernel kernel = AttentionKernel.of(r, p.headDim, hw);
        return p.decode ? decode(p, hw, kernel) : prefill(p, hw, kernel);
    }

    static Object parse(SimulationRequest r) {
        if (!RequestView.hasShapes(r)) {
            return "no operand shapes";
        }
        Operand q = RequestView.operand(r, "q", "query", "q_nope");
        if (q == null || q.shape().size() < 3) {
            return "attention needs q [num_tokens, num_heads, head_dim] (docs/operand-conventions.md)";
        }
        long tokens;
        long heads;
        long headDim;
        long batchFromShape = 0;
        if (q.shape().size() == 4) {
            // PyTorch SDPA layout [batch, heads, seq, head_dim].
            batchFromShape = q.shape().get(0);
            heads = q.shape().get(1);
            tokens = q.shape().get(0) * q.shape().get(2);
            headDim = q.shape().get(3);
        } else {
            tokens = RequestView.leading(q, 2);
            heads = RequestView.dimFromEnd(q, 2);
            headDim = RequestView.dimFromEnd(q, 1);
        }
        Operand qRope = RequestView.operand(r, "q_pe", "q_rope");
        Operand k = RequestView.operand(r, "k", "key");
        Operand v = RequestView.operand(r, "v", "value");
        Operand cache = RequestView.operand(r, "kv_cache", "ckv_cache", "k_cache", "paged_kv_cache");
        String kind = lower(RequestView.text(r, Attributes.ATTENTION_KIND.name()));
        boolean latent = qRope != null || "mla".equals(kind) && v == null && k == null;
        long headDimQk = headDim + (qRope != null ? RequestView.dimFromEnd(qRope, 1) : 0);

        double kvHeadsAttr = RequestView.number(r, Attributes.ATTENTION_NUM_KV_HEADS.name(), 0);
        if (Double.isNaN(kvHeadsAttr)) {
            return "attribute attention.num_kv_heads is not a number";
        }
        long kvHeads;
        if (kvHeadsAttr > 0) {
            kvHeads = (long) kvHeadsAttr;
        } else if (latent) {
            kvHeads = 1;
        } else if (k != null && k.shape().size() >= 3) {
            kvHeads = k.shape().size() == 4 ? k.shape().get(1) : RequestView.dimFromEnd(k, 2);
        } else if (cache != null && cache.shape().size() >= 3) {
            kvHeads = RequestView.dimFromEnd(cache, 2);
        } else {
            kvHeads = heads;
        }
        double headDimVAttr = RequestView.number(r, Attributes.ATTENTION_HEAD_DIM_V.name(), 0);
        long headDimV;
        if (headDimVAttr > 0) {
            headDimV = (long) headDimVAttr;
        } else if (v != null && !v.shape().isEmpty()) {
            headDimV = RequestView.dimFromEnd(v, 1);
        } else if (latent) {
            headDimV = headDim;
        } else {
            headDimV = headDimQk;
        }

        // Ragged batches give their offsets: [batch + 1] entries of qo_indptr / cu_seqlens_q.
        Operand offsets = RequestView.operand(r, "qo_indptr", "cu_seqlens_q", "cu_seqlens", "kv_indptr");
        if (batchFromShape == 0 && offsets != null && offsets.shape().size() == 1 && offsets.shape().get(0) > 1) {
            batchFromShape = offsets.shape().get(0) - 1;
        }
        boolean batchKnown = batchFromShape > 0 || RequestView.text(r, Attributes.ATTENTION_BATCH.name()) != null;
        double batchAttr = RequestView.number(r, Attributes.ATTENTION_BATCH.name(), batchFromShape > 0 ? batchFromShape : 1);
        double qLenAttr = RequestView.number(r, Attributes.ATTENTION_Q_LEN.name(), 0);
        double kvLenAttr = RequestView.number(r, Attributes.ATTENTION_KV_LEN.name(), 0);
        double windowAttr = RequestView.number(r, Attributes.ATTENTION_WINDOW.name(), 0);
        if (Double.isNaN(batchAttr) || Double.isNaN(qLenAttr) || Double.isNaN(kvLenAttr) || Double.isNaN(windowAttr)) {
            return "an attention.* attribute (batch, q_len, kv_len, window) is not a number";
        }
        long batch = Math.max(1, Math.round(batchAttr));
        long qLen = qLenAttr > 0 ? Math.round(qLenAttr) : Math.max(1, tokens / batch);
        long kvLen;
        if (kvLenAttr > 0) {
            kvLen = Math.round(kvLenAttr);
        } else if (k != null && k.shape().size() >= 3) {
            long kTokens = k.shape().size() == 4 ? k.shape().get(0) * k.shape().get(2) : RequestView.leading(k, 2);
            kvLen = Math.max(1, kTokens / batch);
        } else {
            kvLen = 0;
        }
        String phase = lower(RequestView.text(r, Attributes.ATTENTION_PHASE.name()));
        boolean decode;
        if (phase != null) {
            decode = phase.startsWith("decode") || phase.startsWith("generat");
        } else {
            decode = qLen <= 8 && kvLen > qLen;
        }
        if (kvLen == 0) {
            if (decode || phase == null && cache != null) {
                return "attention over a KV cache needs attention.kv_len (cached keys per sequence)";
            }
            kvLen = qLen;
        }
        if (!decode && !batchKnown && RequestView.text(r, Attributes.ATTENTION_Q_LEN.name()) == null && tokens > 1) {
            // [tokens, heads, dim] packs the sequences of a ragged batch: one long sequence and many
            // short ones differ by orders of magnitude in causal work.
            return "a ragged prefill of " + tokens + " tokens without its number of sequences (needs"
                    + " attention.batch or a qo_indptr [batch + 1] operand)";
        }
        boolean causal = RequestView.flag(r, Attributes.ATTENTION_CAUSAL.name(), !decode);
        DataType qType = q.dataType();
        DataType kvType = k != null ? k.dataType() : cache != null ? cache.dataType() : qType;
        if (qType == DataType.UNKNOWN) {
            qType = kvType;
        }
        if (kvType == DataType.UNKNOWN) {
            kvType = qType;
        }
        if (qType == DataType.UNKNOWN) {
            return "the attention operand types are unknown";
        }
        if (heads <= 0 || headDimQk <= 0 || kvHeads <= 0) {
            return "attention with an empty dimension in q " + q.shape();
        }
        return new Problem(batch, qLen, kvLen, heads, kvHeads, headDimQk, headDimV, latent, causal,
                windowAttr > 0 ? Math.round(windowAttr) : 0, decode, qType, kvType);
    }

    /** (query, key) pairs one sequence computes under its mask. */
    static double pairs(long qLen, long kvLen, boolean causal, long window) {
        double w = window > 0 ? window : Double.MAX_VALUE;
        if (!causal) {
            return (double) qLen * Math.min(kvLen, w);
        }
        double offset = Math.max(0, kvLen - qLen);
        // Query i (0-based) sees offset + i + 1 keys, at most w of them.
        double unclipped = Math.max(0, Math.min(qLen, w - offset));
        double sum = unclipped * offset + unclipped * (unclipped + 1) / 2;
        return sum + (qLen - unclipped) * Math.min(w, offset + qLen);
    }

    static Estimate prefill(Problem p, HardwareProfile hw, AttentionKernel kernel) {
        boolean triton = kernel.implementation() == AttentionKernel.Implementation.TRITON;
        // sglang's Triton kernels compute in the 16-bit type (an 8-bit cache is converted on load).
        String precision = triton ? "bf16" : HardwareProfile.precisionOf(p.qType);
        OptionalDouble peak = hw.peakFlops(precision);
        if (peak.isEmpty()) {
            return Estimate.unsupported(hw.id() + " has no " + precision + " tensor-core peak for attention");
        }
        int sms = hw.smCount();
        int blockQ = kernel.blockQ();
        long window = kernel.skipsWindow() ? p.window : 0;
        double dims = p.headDim + p.headDimV;
        double flops = 2.0 * p.batch * p.heads * pairs(p.qLen, p.kvLen, p.causal, window) * dims;
        double efficiency;
        if (triton) {
            // BLOCK_N is 64 in every configuration of sglang's extend kernel.
            double intensity = blockQ * 64.0 / (blockQ + 64.0);
            efficiency = hw.get(Param.TRITON_PREFILL_COMPUTE_EFFICIENCY)
                    * Math.min(1, intensity / hw.get(Param.TRITON_PREFILL_SMALL_TILE_INTENSITY));
        } else {
            Param base = p.latent ? Param.PREFILL_LATENT_COMPUTE_EFFICIENCY
                    : p.qType.bits() <= 8 ? Param.PREFILL_FP8_COMPUTE_EFFICIENCY : Param.PREFILL_COMPUTE_EFFICIENCY;
            efficiency = hw.get(base) * (kernel.warpgroupMma() ? 1 : hw.get(Param.PREFILL_MMA_SYNC_FRACTION));
        }
        efficiency *= p.headDim / (p.headDim + hw.get(Param.PREFILL_HEAD_DIM_HALF));
        double perSm = peak.getAsDouble() / sms * efficiency;
        double occupancy = Math.floor(hw.get(Param.PREFILL_CTAS_PER_SM));
        double blocks = (double) p.batch * p.heads * GemmModel.ceilDiv(p.qLen, blockQ);
        double waves = Math.ceil(blocks / (sms * occupancy));
        double quantization = Math.pow(waves * sms * occupancy / blocks, hw.get(Param.PREFILL_WAVE_QUANTIZATION));
        double keysSeen = window > 0 ? Math.min(p.kvLen, window) : p.kvLen;
        double longest = 2.0 * Math.min(p.qLen, blockQ) * keysSeen * dims;
        double compute = Math.max(flops / (sms * perSm) * Math.max(1, quantization), longest / perSm)
                + waves * hw.get(triton ? Param.TRITON_PREFILL_CTA_OVERHEAD_US : Param.PREFILL_CTA_OVERHEAD_US) * 1e-6;
        double bytes = p.batch * (p.qLen * p.heads * p.headDim * p.qType.bytes()
                + kvBytesPerToken(p) * p.kvLen + p.qLen * p.heads * p.headDimV * 2.0);
        double memory = bytes / (hw.hbmBytesPerSecond() * hw.get(Param.PREFILL_MEMORY_EFFICIENCY));
        double fixed = hw.get(triton ? Param.TRITON_PREFILL_FIXED_LATENCY_US : Param.PREFILL_FIXED_LATENCY_US) * 1e-6;
        double body = Math.max(compute, memory);
        return Estimate.of(fixed + body, modelName("attention-prefill", kernel),
                fixed > body ? "latency" : compute >= memory ? "compute" : "memory");
    }

    /** {@code attention-prefill} for the generic model, {@code attention-prefill-triton} etc. otherwise. */
    static String modelName(String phase, AttentionKernel kernel) {
        return kernel.implementation() == AttentionKernel.Implementation.GENERIC
                ? phase : phase + "-" + kernel.implementation().id();
    }

    static double kvBytesPerToken(Problem p) {
        return p.latent ? p.headDim * p.kvType.bytes() : p.kvHeads * (double) (p.headDim + p.headDimV) * p.kvType.bytes();
    }

    static Estimate decode(Problem p, HardwareProfile hw, AttentionKernel kernel) {
        boolean triton = kernel.implementation() == AttentionKernel.Implementation.TRITON;
        int sms = hw.smCount();
        double keys = p.window > 0 ? Math.min(p.kvLen, p.window) : p.kvLen;
        double kvBytes = p.batch * keys * kvBytesPerToken(p);
        double qoBytes = p.batch * p.qLen * p.heads * (p.headDim + p.headDimV) * 2.0;
        // Query heads that share a KV head are processed together (GQA packing; MLA in groups of 64);
        // kernels without packing give every query head its own block (the group's K/V re-reads hit L2).
        double groups = p.latent ? Math.ceil(p.heads * (double) p.qLen / 64.0)
                : kernel.packsGqa() ? p.kvHeads : p.heads;
        double occupancy = Math.floor(hw.get(Param.DECODE_CTAS_PER_SM));
        double base = p.batch * groups;
        double splits = switch (kernel.splitPolicy()) {
            case FLASH_DECODING -> {
                double maxSplits = Math.min(Math.floor(hw.get(Param.DECODE_MAX_SPLITS)),
                        Math.ceil(keys / hw.get(Param.DECODE_SPLIT_CHUNK)));
                yield Math.max(1, Math.min(Math.floor(sms * occupancy / base), Math.max(1, maxSplits)));
            }
            case FIXED -> Math.max(1, Math.min(Math.floor(hw.get(Param.TRITON_DECODE_KV_SPLITS)), keys));
            case PARTITIONS_512 -> Math.ceil(keys / 512.0);
            case NONE -> 1;
        };
        double blocks = base * splits;
        double waves = Math.ceil(blocks / (sms * occupancy));
        double busy = Math.min(blocks, sms) / sms;
        boolean narrowCache = p.kvType.bits() <= 8;
        Param streaming = triton
                ? narrowCache ? Param.TRITON_DECODE_FP8_MEMORY_EFFICIENCY : Param.TRITON_DECODE_MEMORY_EFFICIENCY
                : narrowCache ? Param.DECODE_FP8_MEMORY_EFFICIENCY : Param.DECODE_MEMORY_EFFICIENCY;
        double bandwidth = hw.hbmBytesPerSecond() * Math.min(hw.get(streaming),
                busy / hw.get(Param.DECODE_BANDWIDTH_SATURATION));
        double memory = (kvBytes + qoBytes) / bandwidth;
        double flops = 2.0 * p.batch * p.qLen * p.heads * keys * (p.headDim + p.headDimV);
        double compute = 0;
        if (kernel.simtDot()) {
            // vLLM's paged attention multiplies on the CUDA cores (FP32 FMA), not the tensor cores.
            OptionalDouble simt = hw.peakFlops("fp32");
            if (simt.isPresent()) {
                compute = flops / (simt.getAsDouble() * hw.get(Param.GEMM_FP32_COMPUTE_EFFICIENCY));
            }
        } else {
            OptionalDouble peak = hw.peakFlops(HardwareProfile.precisionOf(p.qType));
            if (peak.isPresent()) {
                double mma = kernel.warpgroupMma() ? 1 : hw.get(Param.PREFILL_MMA_SYNC_FRACTION);
                compute = flops / (peak.getAsDouble() * mma
                        * hw.get(p.latent ? Param.DECODE_LATENT_COMPUTE_EFFICIENCY : Param.DECODE_COMPUTE_EFFICIENCY));
            }
        }
        double stream = Math.max(memory, compute);
        // One-pass kernels over a contiguous cache (cuDNN, memory-efficient SDPA) walk no page table and
        // write no partial results: their per-wave cost is their own.
        boolean contiguous = kernel.implementation() == AttentionKernel.Implementation.CUDNN
                || kernel.implementation() == AttentionKernel.Implementation.SDPA_EFFICIENT;
        Param waveCost = triton ? Param.TRITON_DECODE_CTA_OVERHEAD_US
                : contiguous ? Param.CONTIGUOUS_DECODE_CTA_OVERHEAD_US : Param.DECODE_CTA_OVERHEAD_US;
        double perWave = waves * hw.get(waveCost) * 1e-6
                * Math.pow(p.headDim / 128.0,
                        hw.get(triton ? Param.TRITON_DECODE_CTA_HEAD_DIM_EXPONENT : Param.DECODE_CTA_HEAD_DIM_EXPONENT));
        // Split results are combined in the same launch (flash-decoding); Triton's and paged v2's reductions are
        // separate kernels (Triton's is inside its fixed latency: the tables time both launches as one row).
        boolean combines = splits > 1 && kernel.splitPolicy() == AttentionKernel.SplitPolicy.FLASH_DECODING;
        double body = RequestView.pnorm(stream, perWave, hw.get(Param.DECODE_ROOFLINE_SHARPNESS))
                + (combines ? hw.get(Param.DECODE_COMBINE_US) * 1e-6 : 0);
        double fixed = hw.get(triton ? Param.TRITON_DECODE_FIXED_LATENCY_US : Param.DECODE_FIXED_LATENCY_US) * 1e-6;
        String bound = fixed > body ? "latency" : perWave > stream ? "latency" : compute > memory ? "compute" : "memory";
        return Estimate.of(fixed + body, modelName("attention-decode", kernel), bound);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
