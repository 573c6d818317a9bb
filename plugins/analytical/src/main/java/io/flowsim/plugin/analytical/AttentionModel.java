package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelWork;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.SimulationRequest;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Attention (FlashAttention, FlashInfer, cuDNN SDPA, MLA), prefill and decode.
 *
 * <p>Prefill is compute-bound: the score and value products cost {@code 2 * (d_qk + d_v)} FLOPs per
 * (query, key) entry the kernel computes. It computes whole tiles (the kernel's own, {@link
 * AttentionKernel#tile}): every key tile from the one holding a query tile's first visible key to the one
 * holding its last, so the causal diagonal and both edges of a sliding window cost full tiles. Thread
 * blocks of one query tile per head are dealt to the SMs in waves; the work runs at a fraction of the
 * tensor peak that drops for small head dimensions, each wave pays a fixed cost, and the slowest block
 * (the one that visits the most keys) bounds the time from below.
 *
 * <p>Decode is bandwidth-bound: it streams the KV cache ({@code kv_len * kv_heads * (d_qk + d_v)}
 * elements per sequence, or one shared latent vector per token for MLA). One thread block handles
 * one (sequence, KV head) pair and possibly a split of the cache; with few blocks the achievable
 * bandwidth is limited by how many SMs are busy, and with many blocks a fixed per-wave cost (page
 * table walk, Q load, partial output) dominates. Both are joined by a p-norm. MLA decode with 16-bit
 * queries over an 8-bit latent cache also converts every cached element on the SMs, at a per-SM rate.
 */
final class AttentionModel {

    private static final int BLOCK_Q = 128;

    /**
     * The most query tokens of one sequence a prefill is walked for: the tile walks take one step per query tile (and
     * the Triton schedule one per row block), so a hostile length (2^40) would hold a run up for hours. Sixteen
     * million is above any context a served model takes.
     */
    static final long MAX_SEQUENCE_QUERIES = 1L << 24;

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
        if (!p.decode && p.qLen > MAX_SEQUENCE_QUERIES) {
            return Estimate.unsupported("a prefill of " + p.qLen + " query tokens per sequence (the tile walk stops at "
                    + MAX_SEQUENCE_QUERIES + ")");
        }
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
        // the work count's rule: the first usable operand of the paged cache names
        Operand cache = KernelWork.pagedCache(r.operands()).orElse(null);
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

        // Ragged batches give their offsets: [batch + 1] entries of qo_indptr / cu_seqlens_q (the API's rule).
        if (batchFromShape == 0) {
            batchFromShape = KernelWork.raggedBatch(r.operands()).orElse(0);
        }
        boolean batchKnown = batchFromShape > 0 || RequestView.text(r, Attributes.ATTENTION_BATCH.name()) != null;
        double batchAttr = RequestView.number(r, Attributes.ATTENTION_BATCH.name(), batchFromShape > 0 ? batchFromShape : 1);
        double qLenAttr = RequestView.number(r, Attributes.ATTENTION_Q_LEN.name(), 0);
        double kvLenAttr = RequestView.number(r, Attributes.ATTENTION_KV_LEN.name(), 0);
        double windowAttr = RequestView.number(r, Attributes.ATTENTION_WINDOW.name(), 0);
        if (Double.isNaN(batchAttr) || Double.isNaN(qLenAttr) || Double.isNaN(kvLenAttr) || Double.isNaN(windowAttr)) {
            return "an attention.* attribute (batch, q_len, kv_len, window) is not a number";
        }
        String phase = lower(RequestView.text(r, Attributes.ATTENTION_PHASE.name()));
        long pagedKeys = kvLenAttr > 0 || k != null ? 0 : pagedKeys(r, cache);
        if (pagedKeys > 0 && !batchKnown && (!RequestView.flag(r, Attributes.ATTENTION_CAUSAL.name(), true)
                || phase != null && phase.startsWith("decode"))) {
            // A page list without the batch's offsets, under no mask: each query sees every key of its sequence,
            // one query per sequence (decode's) unless attention.q_len says otherwise.
            batchAttr = Math.max(1, tokens / (qLenAttr > 0 ? qLenAttr : 1));
            batchKnown = true;
        }
        long batch = Math.max(1, Math.round(batchAttr));
        long qLen = qLenAttr > 0 ? Math.round(qLenAttr) : Math.max(1, tokens / batch);
        long kvLen;
        if (kvLenAttr > 0) {
            kvLen = Math.round(kvLenAttr);
        } else if (k != null && k.shape().size() >= 3) {
            long kTokens = k.shape().size() == 4 ? k.shape().get(0) * k.shape().get(2) : RequestView.leading(k, 2);
            kvLen = Math.max(1, kTokens / batch);
        } else if (pagedKeys > 0 && batchKnown) {
            // the keys of the pages the batch uses, shared evenly among its sequences
            kvLen = Math.max(1, Math.round((double) pagedKeys / batch));
        } else {
            kvLen = 0;
        }
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
        if (heads <= 0 || headDimQk <= 0) {
            return "attention with an empty dimension in q " + q.shape();
        }
        if (kvHeads <= 0) {
            return "attention with " + kvHeads + " KV heads (needs at least one: attention.num_kv_heads or the k / kv_cache"
                    + " operand's head dimension)";
        }
        return new Problem(batch, qLen, kvLen, heads, kvHeads, headDimQk, headDimV, latent, causal,
                windowAttr > 0 ? Math.round(windowAttr) : 0, decode, qType, kvType);
    }

    /**
     * Keys in the pages a paged cache's batch uses, as the work count reads them ({@link KernelWork#pagedKeys}); 0
     * without a cache, a page list or a cache layout that tells its page size.
     */
    static long pagedKeys(SimulationRequest r, Operand cache) {
        return cache == null ? 0 : KernelWork.pagedKeys(cache, r.operands()).orElse(0);
    }

    static Estimate prefill(Problem p, HardwareProfile hw, AttentionKernel kernel) {
        if (kernel.implementation() == AttentionKernel.Implementation.TRITON) {
            return tritonPrefill(p, hw, kernel);
        }
        String precision = HardwareProfile.precisionOf(p.qType);
        OptionalDouble peak = hw.peakFlops(precision);
        if (peak.isEmpty()) {
            return Estimate.unsupported(hw.id() + " has no " + precision + " tensor-core peak for attention");
        }
        int sms = hw.smCount();
        long window = kernel.skipsWindow() ? p.window : 0;
        AttentionKernel.Tile tile = kernel.tile(hw, p.headDim, p.headDimV, p.latent, p.qType.bits() <= 8, window > 0, p.causal,
                p.qLen * Math.max(1, p.heads / Math.max(1, p.kvHeads)));
        int blockQ = tile.rows();
        double dims = p.headDim + p.headDimV;
        TileWalk walk = TileWalk.of(p.qLen, p.kvLen, p.causal, window, tile);
        // Masked tiles run outside the kernel's software pipeline (Hopper kernels overlap one tile's softmax with
        // the next tile's products; the tiles that need the mask are peeled out of that loop), so they cost a share
        // of their products again; a kernel without that overlap loses nothing to them.
        double maskCost = tile.overlapsSoftmax() && kernel.warpgroupMma() ? hw.get(Param.PREFILL_MASKED_TILE_COST) : 0;
        double flops = 2.0 * p.batch * p.heads * (walk.entries() + maskCost * walk.maskedEntries()) * dims;
        Param base = p.latent ? Param.PREFILL_LATENT_COMPUTE_EFFICIENCY
                : p.qType.bits() <= 8 ? Param.PREFILL_FP8_COMPUTE_EFFICIENCY : Param.PREFILL_COMPUTE_EFFICIENCY;
        double efficiency = hw.get(base) * (kernel.warpgroupMma() ? 1 : hw.get(Param.PREFILL_MMA_SYNC_FRACTION));
        // The softmax and its bookkeeping cost the same per (query, key) entry whatever the head dimensions; the
        // products per entry scale with d_qk + d_v, so the share lost to the rest falls with their mean.
        double meanHeadDim = (p.headDim + p.headDimV) / 2.0;
        efficiency *= meanHeadDim / (meanHeadDim + hw.get(Param.PREFILL_HEAD_DIM_HALF));
        double perSm = peak.getAsDouble() / sms * efficiency;
        double occupancy = Math.floor(hw.get(Param.PREFILL_CTAS_PER_SM));
        double blocks = (double) p.batch * p.heads * GemmModel.ceilDiv(p.qLen, blockQ);
        double waves = Math.ceil(blocks / (sms * occupancy));
        double quantization = Math.pow(waves * sms * occupancy / blocks, hw.get(Param.PREFILL_WAVE_QUANTIZATION));
        double longest = 2.0 * Math.min(p.qLen, blockQ) * (walk.mostKeys() + maskCost * walk.mostMaskedKeys()) * dims;
        double compute;
        if (kernel.prefillSchedule() == AttentionKernel.PrefillSchedule.FLASHINFER_PLAN
                && plannedWorks(p, blockQ) <= MAX_PLANNED_WORKS) {
            double tileSeconds = 2.0 * blockQ * tile.keys() * dims / perSm;
            compute = plannedMakespan(p, window, tile, sms, tileSeconds, maskCost,
                    hw.get(Param.PREFILL_CTA_OVERHEAD_US) * 1e-6);
        } else {
            compute = Math.max(flops / (sms * perSm) * Math.max(1, quantization), longest / perSm)
                    + waves * hw.get(Param.PREFILL_CTA_OVERHEAD_US) * 1e-6;
        }
        double memory = compulsoryBytes(p) / (hw.hbmBytesPerSecond() * hw.get(Param.PREFILL_MEMORY_EFFICIENCY));
        double fixed = hw.get(Param.PREFILL_FIXED_LATENCY_US) * 1e-6;
        double body = Math.max(compute, memory);
        return Estimate.of(fixed + body, modelName("attention-prefill", kernel),
                fixed > body ? "latency" : compute >= memory ? "compute" : "memory");
    }

    /**
     * The (query, key) entries a tiled kernel computes for one sequence: each tile of {@code rows} query rows
     * computes whole tiles of {@code keys} keys from the tile holding its first visible key to the one holding
     * its last, masked entries included (the causal diagonal, both edges of a sliding window). A sliding
     * window {@code w} lets query {@code i} see keys {@code (offset + i - w, offset + i]} (FlashAttention's
     * window {@code (w - 1, 0)}); {@code offset} is the cached prefix. A key tile that some row of the query
     * tile may not see whole (it crosses the causal diagonal, a window's lower edge or the end of the keys) is
     * a masked tile: the kernel compares every entry's position before the softmax.
     *
     * @param entries        computed entries, summed over the query tiles
     * @param mostKeys       keys of the query tile that visits the most (it bounds the time from below)
     * @param maskedEntries  the computed entries that lie in masked key tiles
     * @param mostMaskedKeys keys in masked tiles of the query tile that visits the most
     */
    record TileWalk(double entries, double mostKeys, double maskedEntries, double mostMaskedKeys) {

        static TileWalk of(long qLen, long kvLen, boolean causal, long window, AttentionKernel.Tile tile) {
            long keys = tile.keys();
            double entries = 0;
            double most = 0;
            double masked = 0;
            double mostMasked = 0;
            for (long first = 0; first < qLen; first += tile.rows()) {
                long rows = Math.min(qLen, first + tile.rows()) - first;
                KeyTiles k = KeyTiles.of(first, qLen, kvLen, causal, window, tile);
                double visited = (double) k.visited() * keys;
                entries += rows * visited;
                masked += rows * (double) k.masked() * keys;
                if (visited > most) {
                    most = visited;
                    mostMasked = (double) k.masked() * keys;
                }
            }
            return new TileWalk(entries, most, masked, mostMasked);
        }
    }

    /**
     * The key tiles one query tile (rows {@code first} to {@code first + rows - 1}) computes, and how many of them
     * the mask crosses (see {@link TileWalk}).
     */
    record KeyTiles(long visited, long masked) {

        static KeyTiles of(long first, long qLen, long kvLen, boolean causal, long window, AttentionKernel.Tile tile) {
            long offset = Math.max(0, kvLen - qLen);
            long keys = tile.keys();
            long last = Math.min(qLen, first + tile.rows()) - 1;
            long hi = causal || window > 0 ? Math.min(kvLen, offset + last + 1) : kvLen;
            long lo = window > 0 ? Math.max(0, offset + first - window + 1) : 0;
            if (hi <= lo) {
                return new KeyTiles(0, 0);
            }
            long firstTile = lo / keys;
            long endTile = GemmModel.ceilDiv(hi, keys);
            // Keys every row of the query tile sees: [offset + last - window + 1, offset + first].
            long seenByAllFrom = window > 0 ? Math.max(0, offset + last - window + 1) : 0;
            long seenByAllTo = causal || window > 0 ? Math.min(kvLen - 1, offset + first) : kvLen - 1;
            // Tiles wholly inside that range need no mask; the others of [firstTile, endTile) do.
            long inside = Math.max(0, Math.min(endTile - 1, (seenByAllTo + 1) / keys - 1)
                    - Math.max(firstTile, GemmModel.ceilDiv(seenByAllFrom, keys)) + 1);
            return new KeyTiles(endTile - firstTile, endTile - firstTile - inside);
        }
    }

    /**
     * The most works {@link #plannedMakespan} replays (one heap step each): a million-scale plan takes tens of
     * milliseconds, once per distinct kernel. A larger one (no real prefill comes near it, but a hostile shape can)
     * is priced by the even-share formula every other prefill kernel uses, so one kernel never holds up a run.
     */
    static final long MAX_PLANNED_WORKS = 1L << 22;

    /** How many (head, sequence, query tile) works FlashInfer's plan has; saturates instead of overflowing. */
    static long plannedWorks(Problem p, long rows) {
        return Fa3Split.saturatedProduct(Fa3Split.saturatedProduct(p.heads, p.batch), GemmModel.ceilDiv(p.qLen, rows));
    }

    /**
     * The time of FlashInfer's persistent sm90 prefill: one thread block per SM runs the works its host planned
     * ({@code PrefillSM90Plan} of {@code scheduler.cuh}). The host walks the heads, within a head the sequences (longest
     * first; here all alike) and within a sequence the query tiles from the last to the first, and gives each work to
     * the block with the least planned cost so far, a cost of {@code 2 * CTA_Q + kv_end} per work ({@code kv_end} the
     * last key the tile sees). A work really costs its key tiles (a masked one {@code 1 + masked_tile_cost} times) and
     * a fixed part; the planned cost weighs the fixed part at two tiles' keys and a work's keys at their count, so a
     * block can end up with two long works where another has two short ones. The kernel ends with its most loaded block.
     *
     * @param tileSeconds one key tile's products at the kernel's rate on one SM
     * @param workSeconds the fixed cost of one work (loading its query tile, writing its output)
     */
    static double plannedMakespan(Problem p, long window, AttentionKernel.Tile tile, int blocks, double tileSeconds,
                                  double maskCost, double workSeconds) {
        long rows = tile.rows();
        if (plannedWorks(p, rows) > MAX_PLANNED_WORKS) {
            // the per-tile arrays and the replay are sized by the plan; prefill prices a larger one by waves
            throw new IllegalArgumentException("a plan of " + plannedWorks(p, rows) + " works is beyond the "
                    + MAX_PLANNED_WORKS + " replayed");
        }
        int queryTiles = (int) GemmModel.ceilDiv(p.qLen, rows);
        double[] plannedCost = new double[queryTiles];
        double[] cost = new double[queryTiles];
        double plannedPerSequence = 0;
        double leastPlanned = Double.POSITIVE_INFINITY;
        for (int t = 0; t < queryTiles; t++) {
            long kvEnd = !p.causal || t + 1 == queryTiles ? p.kvLen
                    : Math.max(0, Math.min(p.kvLen - p.qLen + (t + 1) * rows, p.kvLen));
            plannedCost[t] = 2.0 * rows + kvEnd;
            plannedPerSequence += plannedCost[t];
            leastPlanned = Math.min(leastPlanned, plannedCost[t]);
            KeyTiles k = KeyTiles.of(t * rows, p.qLen, p.kvLen, p.causal, window, tile);
            cost[t] = workSeconds + (k.visited() + maskCost * k.masked()) * tileSeconds;
        }
        long sequences = Fa3Split.saturatedProduct(p.heads, p.batch);
        return leastPlanned > 0 && (double) sequences * plannedPerSequence < IntegerPlan.exactBelow(blocks)
                ? IntegerPlan.replay(plannedCost, cost, sequences, blocks)
                : replay(plannedCost, cost, sequences, blocks);
    }

    /**
     * The host's greedy plan replayed work by work: each (head, sequence) gives its query tiles, last first, each to
     * the block with the least planned cost so far. Returns the most loaded block's real cost.
     */
    static double replay(double[] plannedCost, double[] cost, long sequences, int blocks) {
        LeastPlannedBlock plan = new LeastPlannedBlock(blocks);
        for (long w = 0; w < sequences; w++) {
            for (int t = plannedCost.length - 1; t >= 0; t--) {
                plan.give(plannedCost[t], cost[t]);
            }
        }
        return plan.makespan();
    }

    /**
     * The same replay where every planned cost is a whole number of keys and the sum of all of them stays below
     * 2^53 (and every one is positive): every planned sum is then exact in a double, so the same comparisons in a {@code long}
     * ({@code planned << indexBits | block}, one comparison instead of two and no indirection) give the same
     * blocks in the same order, and each block adds its real costs in the same order: the same makespan to the bit.
     * The blocks no work has reached yet hold the least planned cost, and the lowest of them wins the tie, so the first
     * works go to them in index order without the heap; it is built once they are all busy.
     */
    static final class IntegerPlan {

        private IntegerPlan() {
        }

        /** The planned total below which the long keys are exact and cannot overflow for {@code blocks} blocks. */
        static double exactBelow(int blocks) {
            return Math.scalb(1.0, Math.min(53, 62 - indexBits(Math.max(1, blocks))));
        }

        private static int indexBits(int blocks) {
            return 32 - Integer.numberOfLeadingZeros(blocks - 1);
        }

        static double replay(double[] plannedCost, double[] cost, long sequences, int blocks) {
            int n = Math.max(1, blocks);
            int bits = indexBits(n);
            long mask = (1L << bits) - 1;
            long[] step = new long[plannedCost.length];
            for (int t = 0; t < step.length; t++) {
                // A planned cost is 2 * CTA_Q + kv_end: positive, so a block once given a work is behind every idle one.
                step[t] = (long) plannedCost[t] << bits;
            }
            long[] heap = new long[n];
            double[] real = new double[n];
            int idle = 0;
            for (long w = 0; w < sequences; w++) {
                for (int t = step.length - 1; t >= 0; t--) {
                    if (idle < n) {
                        heap[idle] = step[t] | idle;
                        real[idle] += cost[t];
                        if (++idle == n) {
                            for (int i = n / 2 - 1; i >= 0; i--) {
                                siftDown(heap, i);
                            }
                        }
                        continue;
                    }
                    long root = heap[0];
                    real[(int) (root & mask)] += cost[t];
                    heap[0] = root + step[t];
                    siftDown(heap, 0);
                }
            }
            double max = 0;
            for (double r : real) {
                max = Math.max(max, r);
            }
            return max;
        }

        private static void siftDown(long[] heap, int from) {
            int n = heap.length;
            long key = heap[from];
            int i = from;
            while (true) {
                int child = 2 * i + 1;
                if (child >= n) {
                    break;
                }
                if (child + 1 < n && heap[child + 1] < heap[child]) {
                    child++;
                }
                if (heap[child] > key) {
                    break;
                }
                heap[i] = heap[child];
                i = child;
            }
            heap[i] = key;
        }
    }

    /**
     * Thread blocks in a min-heap of their planned cost (ties to the lower index), with the real cost of the works
     * each was given.
     */
    static final class LeastPlannedBlock {
        private final int[] heap;
        private final double[] planned;
        private final double[] real;

        LeastPlannedBlock(int blocks) {
            int n = Math.max(1, blocks);
            heap = new int[n];
            planned = new double[n];
            real = new double[n];
            for (int i = 0; i < n; i++) {
                heap[i] = i;
            }
        }

        /** Gives one work to the block with the least planned cost. */
        void give(double plannedCost, double cost) {
            int block = heap[0];
            planned[block] += plannedCost;
            real[block] += cost;
            // The root only grew: sift it down.
            int i = 0;
            int n = heap.length;
            while (true) {
                int left = 2 * i + 1;
                if (left >= n) {
                    break;
                }
                int child = left + 1 < n && before(heap[left + 1], heap[left]) ? left + 1 : left;
                if (!before(heap[child], heap[i])) {
                    break;
                }
                int swap = heap[i];
                heap[i] = heap[child];
                heap[child] = swap;
                i = child;
            }
        }

        private boolean before(int a, int b) {
            return planned[a] < planned[b] || planned[a] == planned[b] && a < b;
        }

        double makespan() {
            double max = 0;
            for (double r : real) {
                max = Math.max(max, r);
            }
            return max;
        }
    }

    /** Q, K, V (or the cache) and O bytes of a prefill: the compulsory traffic. */
    private static double compulsoryBytes(Problem p) {
        // in doubles: the products of hostile extents overflow a long
        return p.batch * ((double) p.qLen * p.heads * p.headDim * p.qType.bytes()
                + kvBytesPerToken(p) * p.kvLen + (double) p.qLen * p.heads * p.headDimV * 2.0);
    }

    /** Registers a thread can hold (the CUDA limit since Kepler); what a kernel needs beyond is spilled. */
    private static final int MAX_REGISTERS_PER_THREAD = 255;

    /** 32-bit registers of one SM (64 K on every GPU since Kepler): bounds the resident thread blocks. */
    private static final int REGISTERS_PER_SM = 65_536;

    /**
     * sglang's Triton extend kernel ({@code extend_attention.py}, {@code _fwd_kernel}), walked tile by tile.
     *
     * <p>The grid is (sequence, head, {@code BLOCK_M} query rows), launched in that order, so every block of
     * the first query rows (the cheapest under a causal mask) starts before any block of the next ones and
     * the last, heaviest blocks form the tail. A block loops over its prefix keys (stage 1) and its causal
     * part of the new keys (stage 2) in tiles of {@code BLOCK_N}; under a sliding window it still visits
     * every tile but skips the loads and products of a tile with no key inside the window
     * ({@code SKIP_TILE}). Stage 1 multiplies in the cache's type, stage 2 in the activations': on Hopper's
     * 128-row tiles (warpgroup MMA) an 8-bit stage runs its share of products at the 8-bit rate.
     *
     * <p>Two bounds join in a p-norm. Latency: the blocks dealt to the SMs in launch order, each costing a
     * fixed part plus its computed tiles (the tile's products at {@code compute_efficiency} of one SM's
     * 16-bit peak: the kernel does not pipeline its loads) and its skipped tiles. Throughput: the registers
     * a thread needs beyond 255 (the fp32 accumulator {@code BLOCK_M x d_v}, Q, the score tile and P, plus
     * a fixed overhead) spill to local memory and are stored and reloaded once per tile; with every SM busy
     * that traffic shares the L1/L2 bandwidth. Large tiles of a large head dimension (Hopper, d = 256:
     * a 128 x 256 fp32 accumulator alone is 128 registers per thread) spill; small ones do not.
     */
    static Estimate tritonPrefill(Problem p, HardwareProfile hw, AttentionKernel kernel) {
        String precision = p.qType == DataType.FP16 ? "fp16" : "bf16";
        OptionalDouble peak = hw.peakFlops(precision);
        if (peak.isEmpty()) {
            return Estimate.unsupported(hw.id() + " has no " + precision + " tensor-core peak for attention");
        }
        int sms = hw.smCount();
        long blockM = kernel.blockQ();
        long blockN = AttentionKernel.tritonBlockN(hw, p.headDim);
        long threads = 32L * AttentionKernel.tritonWarps(p.headDim);
        double operandBytes = p.qType.bits() <= 8 ? 1 : 2;
        double tileRegisters = (blockM * p.headDimV * 4.0 + blockM * p.headDim * operandBytes
                + blockM * blockN * 4.0 + blockM * blockN * operandBytes) / (4.0 * threads);
        double needed = tileRegisters + hw.get(Param.TRITON_PREFILL_REGISTER_OVERHEAD);
        double spilledBytes = 2 * 4.0 * threads * Math.max(0, needed - MAX_REGISTERS_PER_THREAD);
        double spill = spilledBytes / (hw.get(Param.TRITON_PREFILL_SPILL_BANDWIDTH_GBPS) * 1e9);
        double tile = 2.0 * blockM * blockN * (p.headDim + p.headDimV)
                / (peak.getAsDouble() / sms * hw.get(Param.TRITON_PREFILL_COMPUTE_EFFICIENCY));
        // Each stage multiplies in its own operands' type: stage 1 the cache's (q.to(k.dtype)), stage 2 the activations'.
        boolean warpgroup = AttentionKernel.tritonWarpgroupMma(hw, blockM, threads / 32);
        double prefixTile = tile * tritonTileFactor(hw, p.kvType, peak.getAsDouble(), warpgroup);
        double newTile = tile * tritonTileFactor(hw, p.qType, peak.getAsDouble(), warpgroup);
        // A skipped tile holds only the loop-carried state (the accumulator, Q, the softmax statistics): its score
        // tile and P are dead, so fewer registers spill than around a computed tile.
        double carriedRegisters = (blockM * p.headDimV * 4.0 + blockM * p.headDim * operandBytes) / (4.0 * threads);
        double carried = carriedRegisters + hw.get(Param.TRITON_PREFILL_REGISTER_OVERHEAD);
        double skippedSpill = 2 * 4.0 * threads * Math.max(0, carried - MAX_REGISTERS_PER_THREAD)
                / (hw.get(Param.TRITON_PREFILL_SPILL_BANDWIDTH_GBPS) * 1e9);
        double skipped = hw.get(Param.TRITON_PREFILL_SKIPPED_TILE_LATENCY) * skippedSpill;
        double skippedTraffic = hw.get(Param.TRITON_PREFILL_SKIPPED_TILE_TRAFFIC) * skippedSpill;
        double perBlock = hw.get(Param.TRITON_PREFILL_CTA_OVERHEAD_US) * 1e-6;
        int resident = (int) Math.max(1, Math.floor(REGISTERS_PER_SM
                / (threads * Math.min(MAX_REGISTERS_PER_THREAD, Math.ceil(needed)))));

        long prefix = Math.max(0, p.kvLen - p.qLen);
        long window = p.window;
        long levels = GemmModel.ceilDiv(p.qLen, blockM);
        double blocksPerLevel = (double) p.batch * p.heads;
        BlockSchedule schedule = new BlockSchedule(sms * resident);
        double computedTiles = 0;
        double skippedTiles = 0;
        for (long m = 0; m < levels; m++) {
            long firstRow = m * blockM;
            long lastRow = Math.min(p.qLen, firstRow + blockM) - 1;
            // Stage 1: the prefix keys; a tile counts when some row's window reaches its last key.
            long prefixTiles = GemmModel.ceilDiv(prefix, blockN);
            long prefixSkipped = window > 0 ? Math.min(prefixTiles, tilesBefore(prefix + firstRow - window, blockN)) : 0;
            // Stage 2: the new keys up to the block's last row (all of them without a causal mask).
            long end = p.causal ? lastRow + 1 : p.qLen;
            long newTiles = GemmModel.ceilDiv(end, blockN);
            long newSkipped = window > 0 ? Math.min(newTiles, tilesBefore(firstRow - window, blockN)) : 0;
            double prefixIn = prefixTiles - prefixSkipped;
            double newIn = newTiles - newSkipped;
            double out = prefixSkipped + newSkipped;
            computedTiles += (prefixIn + newIn) * blocksPerLevel;
            skippedTiles += out * blocksPerLevel;
            schedule.deal(blocksPerLevel, perBlock + prefixIn * prefixTile + newIn * newTile + out * skipped);
        }
        // Blocks resident on one SM hide each other's latency (each slot is one block's own time).
        double latency = schedule.makespan();
        double throughput = (computedTiles * spill + skippedTiles * skippedTraffic) / sms;
        double body = RequestView.pnorm(latency, throughput, hw.get(Param.TRITON_PREFILL_ROOFLINE_SHARPNESS));
        double memory = compulsoryBytes(p) / (hw.hbmBytesPerSecond() * hw.get(Param.PREFILL_MEMORY_EFFICIENCY));
        double fixed = hw.get(Param.TRITON_PREFILL_FIXED_LATENCY_US) * 1e-6;
        double total = Math.max(body, memory);
        return Estimate.of(fixed + total, modelName("attention-prefill", kernel),
                fixed > total ? "latency" : memory > body ? "memory" : latency >= throughput ? "compute" : "memory");
    }

    /**
     * A Triton key tile's latency relative to the 16-bit one: the {@code product_share} of it spent in the two
     * products runs at the operands' tensor peak where Triton emits warpgroup MMA (on Hopper an 8-bit {@code tl.dot}
     * is a {@code wgmma} at twice the 16-bit rate: Triton's default {@code max_num_imprecise_acc} on sm90 lets it
     * accumulate there); {@code mma.sync} tiles, and types without a faster peak, keep the 16-bit time.
     */
    static double tritonTileFactor(HardwareProfile hw, DataType type, double peak16, boolean warpgroup) {
        if (!warpgroup || type.bits() != 8) {
            return 1;
        }
        double narrow = hw.peakFlops(type.isFloatingPoint() ? "fp8" : "int8").orElse(peak16);
        double share = hw.get(Param.TRITON_PREFILL_PRODUCT_SHARE);
        return 1 - share + share * peak16 / Math.max(peak16, narrow);
    }

    /**
     * Key tiles {@code [j * n, (j + 1) * n)} wholly before key {@code firstKey}: a tile is skipped when even
     * the block's first row cannot reach its last key ({@code row <= key + window}).
     */
    static long tilesBefore(long firstKey, long n) {
        // Tile j is skipped when its last key (j + 1) * n - 1 is below firstKey: j < floor(firstKey / n).
        return firstKey <= 0 ? 0 : firstKey / n;
    }

    /**
     * Thread blocks dealt greedily, in launch order, to the first free slot. Blocks arrive level by level
     * with non-decreasing costs, so the slots stay sorted up to a rotation and a level of {@code count}
     * blocks of equal cost adds whole rounds to every slot and one more block to the next {@code count mod
     * slots} slots: exact for greedy dealing, in time linear in the slots touched.
     */
    static final class BlockSchedule {
        private final double[] finish;
        private int next;
        private double rounds;

        BlockSchedule(int slots) {
            this.finish = new double[Math.max(1, slots)];
        }

        void deal(double count, double cost) {
            int slots = finish.length;
            double whole = Math.floor(count / slots);
            rounds += whole * cost;
            long rest = Math.round(count - whole * slots);
            for (long i = 0; i < rest; i++) {
                finish[next] += cost;
                next = (next + 1) % slots;
            }
        }

        double makespan() {
            double max = 0;
            for (double f : finish) {
                max = Math.max(max, f);
            }
            return rounds + max;
        }
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
        if (kernel.implementation() == AttentionKernel.Implementation.FA3 && !p.latent && AttentionKernel.hopperPlus(hw)) {
            return fa3Decode(p, hw);
        }
        boolean triton = kernel.implementation() == AttentionKernel.Implementation.TRITON;
        int sms = hw.smCount();
        double keys = p.window > 0 ? Math.min(p.kvLen, p.window) : p.kvLen;
        double kvBytes = p.batch * keys * kvBytesPerToken(p);
        double qoBytes = (double) p.batch * p.qLen * p.heads * (p.headDim + p.headDimV) * 2.0;
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
        if (triton) {
            // A stage-1 block walks its split at a latency-bound key rate: with few blocks the split's length,
            // not the HBM, sets the time (sglang's grouped decode kernel, BLOCK_N 32, num_stages 2).
            double keysPerBlock = Math.ceil(keys / splits);
            double perBlock = keysPerBlock * (p.latent ? p.headDim : p.headDim + p.headDimV) * 2.0
                    / (hw.get(Param.TRITON_DECODE_BLOCK_GBPS) * 1e9);
            stream = Math.max(stream, waves * perBlock);
        }
        if (p.latent && narrowCache && p.qType.bits() > 8) {
            // 16-bit queries over an 8-bit latent: every cached element is converted on the SM that reads it
            // (measured: the time per cached element does not depend on the query heads). The kernel splits
            // the cache until every SM has work, so all of them convert.
            double converted = p.batch * keys * p.headDim;
            stream = Math.max(stream, converted / (sms * hw.get(Param.DECODE_LATENT_FP8_GELEMENTS_PER_SM) * 1e9));
        }
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

    /** FA3 gives dynamic splits only when one CTA of its prepare kernel holds every sequence (32 warps of 31). */
    static final long FA3_DYNAMIC_SPLIT_MAX_BATCH = 992;
    /** The cap {@code get_num_splits} passes to FA3's split heuristic. */
    static final int FA3_MAX_SPLITS = 128;
    /** The L2 size FA3's split heuristic assumes (50 MB), whatever the GPU. */
    static final double FA3_ASSUMED_L2_BYTES = 50.0 * 1024 * 1024;

    /**
     * How FlashAttention-3 splits a decode batch, as sglang calls it ({@code flash_attn_with_kvcache} with a page
     * table and {@code cu_seqlens_q}, so varlen with dynamic splits), from {@code get_num_splits} and
     * {@code num_splits_heuristic} ({@code hopper/flash_api.cpp}, {@code heuristics.h}), the kernel
     * {@code prepare_varlen_num_blocks} ({@code flash_prepare_scheduler.cu}) and {@code BlockMN::get_n_block_min_max}
     * ({@code block.h}) of Dao-AILab/flash-attention.
     *
     * @param mBlocks        query tiles per (sequence, KV head): the packed GQA group of {@code q_len * heads / kv_heads}
     *                       rows in tiles of {@code kBlockM}
     * @param staticSplits   the heuristic's bound, computed on the host as if the batch were one sequence; above 1 the
     *                       combine kernel is launched
     * @param splits         the splits of every sequence (dynamic: {@code ceil(n / ceil(1.1 * b * m * n * h_k / SMs))},
     *                       at most {@code staticSplits}; 1 above 992 sequences)
     * @param busySplits     the splits that get key tiles (a split takes {@code ceil(tiles / splits)} of them, so the
     *                       last ones may get none)
     * @param tilesPerBlock  key tiles of the busiest thread block
     * @param keysLoaded     keys each sequence's thread blocks load (whole tiles from the first one the window reaches)
     */
    record Fa3Split(long mBlocks, long staticSplits, long splits, long busySplits, long tilesPerBlock, long keysLoaded) {

        static Fa3Split of(long batch, long qLen, long heads, long kvHeads, long kvLen, long window, long dQk, long dV,
                           boolean eightBit, int sms, AttentionKernel.Tile tile) {
            if (kvHeads <= 0) {
                throw new IllegalArgumentException("FA3 split of " + kvHeads + " KV heads (needs at least one)");
            }
            long blockM = tile.rows();
            long blockN = tile.keys();
            boolean local = window > 0 && window < kvLen;
            // The products saturate: a hostile head count must not wrap round to a small grid that the heuristic splits.
            long mBlocks = GemmModel.ceilDiv(saturatedProduct(qLen, Math.max(1, heads / kvHeads)), blockM);
            // Host side: a window loads at most window + kBlockM keys (window_size_left = window - 1, right = 0).
            long loadedStatic = local ? Math.min(kvLen, window + blockM) : kvLen;
            double sizeOneKvHead = (double) kvLen * (dQk + dV) * (eightBit ? 1 : 2);
            // Decode keeps is_causal for 64 < d <= 128 over a paged cache (a longer key tile); either way it is not
            // split for L2 (that needs 2 * SMs query tiles).
            boolean causalOrLocal = local || dQk > 64 && dQk <= 128;
            long staticSplits = splitHeuristic(saturatedProduct(kvHeads, mBlocks), sms, GemmModel.ceilDiv(loadedStatic, blockN), mBlocks,
                    sizeOneKvHead, causalOrLocal);
            long nBlocks = GemmModel.ceilDiv(kvLen, blockN);
            long splits = 1;
            if (staticSplits > 1 && batch <= FA3_DYNAMIC_SPLIT_MAX_BATCH) {
                float total = (float) saturatedProduct(saturatedProduct(batch, mBlocks), nBlocks);
                long blocksPerSm = (long) Math.ceil(total * 1.1f * (float) kvHeads / (float) sms);
                splits = Math.max(1, Math.min(GemmModel.ceilDiv(nBlocks, Math.max(1, blocksPerSm)), staticSplits));
            }
            // The splits divide the key tiles the window reaches: [first, nBlocks).
            long first = local ? (kvLen - window) / blockN : 0;
            long tiles = nBlocks - first;
            long perSplit = GemmModel.ceilDiv(tiles, splits);
            long busy = GemmModel.ceilDiv(tiles, perSplit);
            return new Fa3Split(mBlocks, staticSplits, splits, busy, perSplit, kvLen - first * blockN);
        }

        /** {@code a * b} of two non-negative counts, or {@link Long#MAX_VALUE} where it would overflow. */
        static long saturatedProduct(long a, long b) {
            long high = Math.multiplyHigh(a, b);
            long low = a * b;
            return high != 0 || low < 0 ? Long.MAX_VALUE : low;
        }

        /**
         * {@code num_splits_heuristic}: with fewer query tiles than 80 % of the SMs and more than 4 key tiles, the
         * smallest split count whose wave efficiency ({@code n / ceil(n)} for {@code n = tiles * splits / SMs}) is
         * within 85 % of the best one up to {@code min(128, SMs, key tiles)} splits.
         */
        static long splitHeuristic(long totalMBlocks, int sms, long nBlocks, long mBlocks, double sizeOneKvHead,
                                   boolean causalOrLocal) {
            if (totalMBlocks >= 0.8f * sms) {
                if (sizeOneKvHead > FA3_ASSUMED_L2_BYTES && mBlocks >= 2L * sms && !causalOrLocal) {
                    return Math.min((long) Math.ceil(sizeOneKvHead / FA3_ASSUMED_L2_BYTES), FA3_MAX_SPLITS);
                }
                return 1;
            }
            if (nBlocks <= 4) {
                return 1;
            }
            int most = (int) Math.min(FA3_MAX_SPLITS, Math.min(sms, nBlocks));
            float[] efficiency = new float[most];
            float best = 0;
            for (int s = 1; s <= most; s++) {
                float waves = (float) (totalMBlocks * s) / sms;
                efficiency[s - 1] = waves / (float) Math.ceil(waves);
                best = Math.max(best, efficiency[s - 1]);
            }
            for (int s = 1; s <= most; s++) {
                if (efficiency[s - 1] >= 0.85 * best) {
                    return s;
                }
            }
            return 1;
        }
    }

    /**
     * FlashAttention-3's decode over sglang's paged cache, thread block by thread block.
     *
     * <p>One thread block (one per SM: the kernel's shared memory and registers fill it) takes a packed GQA group of
     * one sequence and KV head ({@code kBlockM} query rows of FA3's paged, cp.async tile for the head dimension and
     * element size, {@link AttentionKernel#sm90Tile}) and one split of its key tiles ({@link Fa3Split}). Its
     * products run over all {@code kBlockM} rows, padding included: a tile of {@code kBlockN} keys costs
     * {@code t_tile = 2 * kBlockM * kBlockN * (d_qk + d_v) / (P / S * e_mma)} (the 8-bit peak and its own efficiency
     * over an 8-bit cache, whose kernel computes in e4m3). The busiest block's chain of tiles, with a fixed cost per
     * block, over the waves of working blocks, is one bound; the KV stream at the bandwidth the working blocks can
     * draw is the other; a p-norm joins them. The combine kernel runs whenever the host-side heuristic allows a
     * split, and a fixed latency covers the launches.
     */
    static Estimate fa3Decode(Problem p, HardwareProfile hw) {
        if (p.kvHeads <= 0) {
            // Fa3Split divides the query heads by the KV heads; parse rejects this, a direct caller may not.
            return Estimate.unsupported("FA3 decode with " + p.kvHeads + " KV heads (needs at least one)");
        }
        boolean eightBit = p.kvType.bits() <= 8;
        String precision = eightBit ? "fp8" : HardwareProfile.precisionOf(p.qType);
        OptionalDouble peak = precision == null ? OptionalDouble.empty() : hw.peakFlops(precision);
        if (peak.isEmpty()) {
            return Estimate.unsupported(hw.id() + " has no " + precision + " tensor-core peak for attention");
        }
        int sms = hw.smCount();
        boolean local = p.window > 0 && p.window < p.kvLen;
        AttentionKernel.Tile tile = AttentionKernel.sm90Tile(p.headDim, p.headDimV, eightBit, local, !local, true,
                AttentionKernel.fa3OneMmaWarpgroup(p.headDim, p.headDimV,
                        Fa3Split.saturatedProduct(p.qLen, Math.max(1, p.heads / p.kvHeads))));
        Fa3Split split = Fa3Split.of(p.batch, p.qLen, p.heads, p.kvHeads, p.kvLen, local ? p.window : 0, p.headDim,
                p.headDimV, eightBit, sms, tile);
        double working = (double) p.batch * p.kvHeads * split.mBlocks() * split.busySplits();
        double waves = Math.ceil(working / sms);
        double tileSeconds = 2.0 * tile.rows() * tile.keys() * (p.headDim + p.headDimV)
                / (peak.getAsDouble() / sms * hw.get(eightBit ? Param.FA3_DECODE_FP8_MMA_EFFICIENCY : Param.FA3_DECODE_MMA_EFFICIENCY));
        double chain = waves * (hw.get(Param.FA3_DECODE_CTA_OVERHEAD_US) * 1e-6 + split.tilesPerBlock() * tileSeconds);
        double kvBytes = (double) p.batch * split.keysLoaded() * kvBytesPerToken(p);
        // The queries are read in the kernel's type (cast to e4m3 over an 8-bit cache), the output is 16-bit.
        double qoBytes = (double) p.batch * p.qLen * p.heads * (p.headDim * (eightBit ? 1 : p.qType.bytes()) + p.headDimV * 2.0);
        double busy = Math.min(working, sms) / sms;
        double bandwidth = hw.hbmBytesPerSecond() * Math.min(
                hw.get(eightBit ? Param.FA3_DECODE_FP8_MEMORY_EFFICIENCY : Param.FA3_DECODE_MEMORY_EFFICIENCY),
                busy / hw.get(Param.FA3_DECODE_BANDWIDTH_SATURATION));
        double memory = (kvBytes + qoBytes) / bandwidth;
        double body = RequestView.pnorm(memory, chain, hw.get(Param.FA3_DECODE_ROOFLINE_SHARPNESS))
                + (split.staticSplits() > 1 ? hw.get(Param.FA3_DECODE_COMBINE_US) * 1e-6 : 0);
        double fixed = hw.get(Param.FA3_DECODE_FIXED_LATENCY_US) * 1e-6;
        String bound = fixed > body ? "latency" : chain > memory ? "compute" : "memory";
        return Estimate.of(fixed + body, "attention-decode-fa3", bound);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
