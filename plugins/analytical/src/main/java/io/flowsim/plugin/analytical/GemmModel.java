package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.SimulationRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * GEMM and batched GEMM: a tiled roofline. For every output tile shape the GPU's libraries use and
 * every split-K factor, the tiles are dealt to the SMs in waves; a wave takes the time one SM needs
 * for one tile at the sustained fraction of its share of the tensor peak (less for tiles too small
 * to feed the tensor cores), plus a per-tile pipeline fill. Memory time is the compulsory operand
 * traffic at the achievable bandwidth, lower while too few SMs are busy to saturate it. The two are
 * joined by a p-norm (a smooth roofline), the fastest tiling wins (what cuBLAS' heuristics aim for),
 * and a fixed per-kernel latency is added. Because every efficiency is at most 1 and waves never
 * beat perfect balance, the result is never faster than the datasheet's peak compute or bandwidth.
 */
final class GemmModel {

    private static final int[] SPLITS = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64};

    /** Calls per graph replay of the measurements {@code fixed_latency_us} was fitted on (aiconfigurator's GEMM tables). */
    static final int FIXED_LATENCY_CALLS_PER_REPLAY = 6;

    private GemmModel() {
    }

    /**
     * A GEMM problem: {@code batch} independent {@code M x K} times {@code K x N} products.
     * {@code trafficBytes} is the compulsory traffic when it is not that of the three matrices (an
     * implicit-GEMM convolution reads its input once, not its {@code M x K} im2col view); 0 means
     * the matrices' bytes. {@code stridedBatched}: a batched call ({@code B} has a batch dimension, even
     * of 1, as {@code torch.bmm}'s has), which cuBLAS runs as a strided-batched GEMM.
     */
    record Problem(long batch, long m, long n, long k, DataType typeA, DataType typeB, double outBytes,
                   String precision, boolean narrow, boolean blockScaled, int forcedSplit, GemmKernelName kernel,
                   double trafficBytes, boolean narrowOutputOnly, boolean stridedBatched) {

        Problem(long batch, long m, long n, long k, DataType typeA, DataType typeB, double outBytes,
                String precision, boolean narrow, boolean blockScaled, int forcedSplit, GemmKernelName kernel,
                double trafficBytes, boolean narrowOutputOnly) {
            this(batch, m, n, k, typeA, typeB, outBytes, precision, narrow, blockScaled, forcedSplit, kernel,
                    trafficBytes, narrowOutputOnly, false);
        }

        Problem(long batch, long m, long n, long k, DataType typeA, DataType typeB, double outBytes,
                String precision, boolean narrow, boolean blockScaled, int forcedSplit, GemmKernelName kernel,
                double trafficBytes) {
            this(batch, m, n, k, typeA, typeB, outBytes, precision, narrow, blockScaled, forcedSplit, kernel,
                    trafficBytes, false);
        }

        Problem(long batch, long m, long n, long k, DataType typeA, DataType typeB, double outBytes,
                String precision, boolean narrow, boolean blockScaled, int forcedSplit, GemmKernelName kernel) {
            this(batch, m, n, k, typeA, typeB, outBytes, precision, narrow, blockScaled, forcedSplit, kernel, 0);
        }

        Problem(long batch, long m, long n, long k, DataType typeA, DataType typeB, double outBytes,
                String precision, boolean narrow, boolean blockScaled, int forcedSplit) {
            this(batch, m, n, k, typeA, typeB, outBytes, precision, narrow, blockScaled, forcedSplit,
                    GemmKernelName.of(""));
        }
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        Object parsed = parse(r);
        if (parsed instanceof String reason) {
            return Estimate.unsupported(reason);
        }
        Problem p = (Problem) parsed;
        if ("split-k-reduce".equals(RequestView.text(r, Attributes.GEMM_ROLE.name()))) {
            double split = RequestView.number(r, Attributes.GEMM_SPLIT_K.name(), 2);
            double bytes = p.batch * p.m * p.n * (Math.max(2, split) * 4 + p.outBytes);
            double t = hw.get(Param.REDUCTION_FIXED_LATENCY_US) * 1e-6
                    + bytes / (hw.hbmBytesPerSecond() * hw.get(Param.REDUCTION_MEMORY_EFFICIENCY));
            return Estimate.of(t, "gemm-split-k-reduce", "memory");
        }
        Estimate e = time(p, hw, RequestView.number(r, Attributes.MEASUREMENT_LOOP_BYTES.name(), 0));
        double calls = RequestView.number(r, Attributes.MEASUREMENT_CALLS_PER_REPLAY.name(), 0);
        if (e.supported() && calls >= 1) {
            // fixed_latency_us was fitted on the GEMM tables, whose graphs replay six calls: it holds a sixth of
            // the gap between replays; a call of a graph of n calls carries a 1/n share instead.
            double gap = hw.get(Param.GEMM_GRAPH_REPLAY_GAP_US) * 1e-6
                    * (1 / calls - 1.0 / FIXED_LATENCY_CALLS_PER_REPLAY);
            return e.plus(gap);
        }
        return e;
    }

    /** Parses the operands into a problem, or returns the reason it cannot. */
    static Object parse(SimulationRequest r) {
        Operand a = RequestView.operand(r, "A", "a", "mat1", "input", "self");
        Operand b = RequestView.operand(r, "B", "b", "mat2", "weight");
        if (!RequestView.hasShapes(r)) {
            return "no operand shapes";
        }
        if (a == null || b == null || a.shape().isEmpty() || b.shape().isEmpty()) {
            return "a GEMM needs operands A [..., M, K] and B [..., K, N] (docs/operand-conventions.md)";
        }
        long m;
        long k;
        long batchA;
        if (a.shape().size() == 1) {
            m = 1;
            k = a.shape().get(0);
            batchA = 1;
        } else {
            m = RequestView.dimFromEnd(a, 2);
            k = RequestView.dimFromEnd(a, 1);
            batchA = RequestView.leading(a, 2);
        }
        long kb;
        long n;
        long batchB;
        if (b.shape().size() == 1) {
            kb = b.shape().get(0);
            n = 1;
            batchB = 1;
        } else {
            kb = RequestView.dimFromEnd(b, 2);
            n = RequestView.dimFromEnd(b, 1);
            batchB = RequestView.leading(b, 2);
        }
        if (kb != k) {
            return "A " + a.shape() + " and B " + b.shape() + " disagree on K";
        }
        long batch;
        if (batchB == 1) {
            m *= batchA;
            batch = 1;
        } else {
            batch = Math.max(batchA, batchB);
        }
        if (m == 0 || n == 0 || k == 0 || batch == 0) {
            return "an empty GEMM (a zero extent in " + a.shape() + " x " + b.shape() + ")";
        }
        DataType ta = a.dataType();
        DataType tb = b.dataType();
        if (ta == DataType.UNKNOWN && tb == DataType.UNKNOWN) {
            return "the operand types of A and B are unknown";
        }
        if (ta == DataType.UNKNOWN) {
            ta = tb;
        }
        if (tb == DataType.UNKNOWN) {
            tb = ta;
        }
        // The tensor cores compute in the wider of the two types: a 16-bit activation times a 4-bit
        // weight (weight-only quantization) runs at the 16-bit rate with 4-bit weight traffic.
        DataType compute = ta.bits() >= tb.bits() ? ta : tb;
        GemmKernelName kernel = KernelNameFacts.of(r).gemm();
        // FP32 operands run on TF32 tensor cores or on the CUDA cores: only the kernel name tells.
        if (compute == DataType.FP32 && kernel.mode() == GemmKernelName.MathMode.TF32) {
            compute = DataType.TF32;
        }
        String precision = HardwareProfile.precisionOf(compute);
        if (precision == null) {
            return "no compute units for GEMM operand type " + compute.id();
        }
        boolean narrow = compute.bits() <= 8;
        Operand c = RequestView.operand(r, "C", "out", "output");
        double outBytes = c != null && c.dataType() != DataType.UNKNOWN ? c.dataType().bytes()
                : narrow ? 2 : compute.bytes();
        double split = RequestView.number(r, Attributes.GEMM_SPLIT_K.name(), 0);
        int forced = Double.isNaN(split) || split < 1 ? 0 : (int) Math.min(64, split);
        if (forced == 0) {
            forced = launchedSplit(r, kernel, batch);
        }
        boolean block = narrow && "block".equals(RequestView.text(r, Attributes.GEMM_SCALING.name()));
        boolean outputOnly = kernel.narrowOutputOnly(m, n, k, Math.max(ta.bytes(), tb.bytes()));
        return new Problem(batch, m, n, k, ta, tb, outBytes, precision, narrow, block, forced, kernel, 0, outputOnly,
                b.shape().size() >= 3);
    }

    /**
     * The split-K factor a CUTLASS kernel was launched with: its grid's z extent is the number of K
     * slices times the batch (x and y are the swizzled output tiles). 0 when the kernel is not a
     * CUTLASS kernel with a named tile, its launch was not recorded or z does not divide by the batch.
     */
    static int launchedSplit(SimulationRequest r, GemmKernelName kernel, long batch) {
        if (!kernel.hasTile() || r.launch().isEmpty() || !KernelNameFacts.of(r).cutlass()) {
            return 0;
        }
        long z = r.launch().get().grid().z();
        if (z < 1 || z % batch != 0 || z / batch > 64) {
            return 0;
        }
        return (int) (z / batch);
    }

    static Estimate time(Problem p, HardwareProfile hw) {
        return time(p, hw, 0);
    }

    /**
     * The share of a kernel's traffic the L2 serves when a benchmark loop of {@code loopBytes} bytes per iteration
     * (measurement.loop_bytes; 0 or NaN: unknown, as in every trace) runs it again and again on the same tensors:
     * all of it while the working set fits in {@code l2_resident_fraction} of the L2, falling linearly to none at
     * the L2's size (a working set the cache cannot hold evicts itself before it is read again).
     */
    static double residentShare(double loopBytes, HardwareProfile hw) {
        if (!(loopBytes > 0)) {
            return 0;
        }
        double l2 = hw.l2CacheMib() * (1 << 20);
        double full = l2 * hw.get(Param.GEMM_L2_RESIDENT_FRACTION);
        if (loopBytes <= full) {
            return 1;
        }
        return l2 > full ? Math.max(0, (l2 - loopBytes) / (l2 - full)) : 0;
    }

    /**
     * {@link #time(Problem, HardwareProfile)} for a kernel timed in a loop of {@code loopBytes} per iteration: the
     * share of its traffic resident in the L2 ({@link #residentShare}) moves at {@code l2_bandwidth_gbps}.
     */
    static Estimate time(Problem p, HardwareProfile hw, double loopBytes) {
        OptionalDouble peak = hw.peakFlops(p.precision);
        if (peak.isEmpty()) {
            return Estimate.unsupported(hw.id() + " has no " + p.precision + " tensor-core peak in its profile");
        }
        int sms = hw.smCount();
        boolean simt = "fp32".equals(p.precision) || "fp64".equals(p.precision);
        double efficiency = hw.get(p.blockScaled ? Param.GEMM_BLOCK_FP8_COMPUTE_EFFICIENCY
                : p.narrow ? Param.GEMM_FP8_COMPUTE_EFFICIENCY
                : "tf32".equals(p.precision) ? Param.GEMM_TF32_COMPUTE_EFFICIENCY
                : simt ? Param.GEMM_FP32_COMPUTE_EFFICIENCY : Param.GEMM_COMPUTE_EFFICIENCY);
        double narrowStoreK = 0;
        if (!simt && p.kernel.narrowLoads(Math.max(p.typeA.bytes(), p.typeB.bytes()))) {
            if (p.narrowOutputOnly) {
                // Both operands are aligned: the main loop runs at full width and only the epilogue
                // stores (and reads a bias) 4 bytes at a time, a per-tile cost.
                narrowStoreK = hw.get(Param.GEMM_NARROW_STORE_K);
            } else {
                // Without 16-byte vector loads the tiles are fed with 2-4x as many load instructions.
                efficiency *= hw.get(Param.GEMM_NARROW_LOAD_EFFICIENCY);
            }
        }
        double perSm = peak.getAsDouble() / sms * efficiency;
        // Row-wise scaled FP8 (not block-scaled): its efficiency is that of a lightly loaded GPU; with
        // every SM busy the power limit takes the clock down (fp8_full_load_factor).
        double fullLoad = p.narrow && !p.blockScaled ? hw.get(Param.GEMM_FP8_FULL_LOAD_FACTOR) : 1.0;
        // Run long at the power limit, the clock falls further (fp8_sustained_factor, fp8_throttle_time_ms).
        double sustained = p.narrow && !p.blockScaled ? hw.get(Param.GEMM_FP8_SUSTAINED_FACTOR) : 1.0;
        double throttleSeconds = hw.get(Param.GEMM_FP8_THROTTLE_TIME_MS) * 1e-3;
        double bandwidth = hw.hbmBytesPerSecond() * hw.get(Param.GEMM_MEMORY_EFFICIENCY);
        double resident = residentShare(loopBytes, hw);
        if (resident > 0) {
            bandwidth = 1 / (resident / (hw.get(Param.GEMM_L2_BANDWIDTH_GBPS) * 1e9) + (1 - resident) / bandwidth);
        }
        double bytesA = p.typeA.bytes();
        double bytesB = p.typeB.bytes();
        double operandBytes = p.batch * ((double) p.m * p.k * bytesA + (double) p.k * p.n * bytesB);
        double outputBytes = (double) p.batch * p.m * p.n * p.outBytes;
        if (p.trafficBytes > 0) {
            operandBytes = p.trafficBytes;
            outputBytes = 0;
        }
        if (p.kernel.vector()) {
            // GEMV and outer-product kernels stream their operands once; no tiles, no tensor cores.
            double fixed = hw.get(Param.GEMM_FIXED_LATENCY_US) * 1e-6;
            double body = Math.max((operandBytes + outputBytes) / bandwidth,
                    2.0 * p.batch * p.m * p.n * p.k / (hw.peakFlops("fp32").orElse(peak.getAsDouble()) * efficiency));
            return Estimate.of(fixed + body, "gemv", fixed > body ? "latency" : "memory");
        }
        double overheadK = hw.get(Param.GEMM_TILE_OVERHEAD_K);
        double saturation = hw.get(Param.GEMM_BANDWIDTH_SATURATION);
        double intensity0 = hw.get(Param.GEMM_SMALL_TILE_INTENSITY);
        double sharpness = hw.get(Param.GEMM_ROOFLINE_SHARPNESS);
        double splitOverhead = hw.get(Param.GEMM_SPLIT_K_OVERHEAD_US) * 1e-6;
        // A strided-batched call on a GPU whose profile prices it (the A100's sm80 kernels) splits K inside the
        // kernel: the slices add their partial tiles into the output one after another, no reduction kernel.
        double inPlaceStep = p.stridedBatched ? hw.get(Param.GEMM_BATCHED_SPLIT_K_STEP_US) * 1e-6 : 0;
        double peak16 = hw.tensor16Flops().orElse(peak.getAsDouble());
        if (simt || "tf32".equals(p.precision) || p.narrow && !p.blockScaled) {
            // The per-tile pipeline fill and epilogue are a time: at a lower peak they are worth fewer
            // steps of K, at FP8's doubled peak twice as many.
            overheadK *= peak.getAsDouble() / peak16;
        }
        overheadK += narrowStoreK;
        if (simt) {
            // The CUDA cores need far less operand intensity than the tensor cores: the small-tile
            // penalty scales with the peak per byte moved (4-byte operands, hence the factor 2).
            intensity0 *= Math.min(1.0, peak.getAsDouble() / peak16 * 2);
        }

        if (p.blockScaled && "hopper".equals(hw.architecture())) {
            return deepGemm(p, hw, peak.getAsDouble() / sms * efficiency, overheadK * peak.getAsDouble() / peak16,
                    operandBytes + outputBytes, bandwidth, saturation, sharpness);
        }

        double best = Double.MAX_VALUE;
        boolean computeBound = true;
        // The name's own tile where it gives one for FP32/TF32 kernels. The profiles' tiles are those
        // of the 16-bit libraries the efficiencies were fitted with, so those kernels keep them: the
        // named tiles of cuBLASLt's nvjet kernels made two of three H200 traces worse (docs/simulator.md).
        List<int[]> tiles = p.kernel.hasTile() && (simt || "tf32".equals(p.precision))
                ? List.of(new int[] {p.kernel.tileM(), p.kernel.tileN()}) : hw.gemmTiles();
        int forcedSplit = p.forcedSplit;
        if (p.kernel.rowwiseFp8()) {
            // sgl-kernel's fp8_scaled_mm launches one CUTLASS configuration per M bucket and always with
            // one K slice: a few output tiles walk all of K on a few SMs.
            tiles = List.of(rowwiseFp8Tile(hw.architecture(), p.m, p.n));
            forcedSplit = 1;
        }
        for (int t = 0; t < tiles.size(); t++) {
            int tm = tiles.get(t)[0];
            int tn = tiles.get(t)[1];
            double tileEfficiency = Math.min(1.0, ((double) tm * tn / (tm + tn)) / intensity0);
            double outputTiles = (double) ceilDiv(p.m, tm) * ceilDiv(p.n, tn) * p.batch;
            for (int split : forcedSplit > 0 ? new int[] {forcedSplit} : SPLITS) {
                // A split-K kernel (by its name) splits, and its reduction is another kernel.
                if (p.kernel.splitK() && forcedSplit == 0 && split == 1 && p.k >= 256) {
                    continue;
                }
                if (forcedSplit == 0 && split > 1
                        && (outputTiles * split > 2.0 * sms || p.k / split < 128)
                        && !(p.kernel.splitK() && split == 2)) {
                    break;
                }
                double units = outputTiles * split;
                double waves = Math.ceil(units / sms);
                double kPerSplit = Math.ceil((double) p.k / split);
                double busy = Math.min(units, sms) / sms;
                double compute = waves * (2.0 * tm * tn * (kPerSplit + overheadK))
                        / (perSm * tileEfficiency * (1 - (1 - fullLoad) * busy));
                if (sustained < 1) {
                    compute = throttled(compute, busy * (1 - sustained), throttleSeconds);
                }
                // Split-K writes fp32 partial sums and reads them back in the reduction, unless the
                // reduction is a kernel of its own (then only the writes are this kernel's).
                boolean separateReduction = p.kernel.splitK();
                boolean inPlace = inPlaceStep > 0 && !separateReduction;
                // In place, each slice after the first reads the output tile the previous one left and writes it.
                double partials = split <= 1 ? 0
                        : inPlace ? 2.0 * (split - 1) * p.batch * p.m * p.n * p.outBytes
                        : (separateReduction ? 1.0 : 2.0) * split * p.batch * p.m * p.n * 4;
                double bytes = operandBytes + outputBytes + partials;
                double memory = bytes / (bandwidth * Math.min(1.0, busy / saturation));
                double reduction = split <= 1 || separateReduction ? 0
                        : inPlace ? (split - 1) * inPlaceStep : splitOverhead;
                double time = RequestView.pnorm(compute, memory, sharpness) + reduction;
                if (time < best) {
                    best = time;
                    computeBound = compute >= memory;
                }
            }
        }
        if (best == Double.MAX_VALUE) {
            return Estimate.unsupported("no tile of " + hw.id() + " fits split-K " + p.forcedSplit);
        }
        double fixed = hw.get(Param.GEMM_FIXED_LATENCY_US) * 1e-6;
        String bound = fixed > best ? "latency" : computeBound ? "compute" : "memory";
        return Estimate.of(fixed + best, p.batch > 1 ? "bmm" : "gemm", bound);
    }

    /**
     * A block-scaled FP8 GEMM on Hopper as DeepGEMM runs it ({@code gemm_nt_f8f8bf16}): one block per SM at a
     * time, the block its heuristic picks ({@link #deepGemmBlock}), never a K split. Each 128-wide K block costs
     * its MMA work (a block of fewer than 64 rows still issues 64-row WGMMAs) plus a serial latency
     * ({@code block_fp8_step_latency_ns}): the math warpgroups wait for the block's WGMMAs before they promote
     * the accumulators with the block's scales. Each block also pays the per-tile fill {@code fillK} (in steps
     * of K). The memory side is the compulsory traffic, joined by the same smooth roofline.
     */
    private static Estimate deepGemm(Problem p, HardwareProfile hw, double perSm, double fillK, double bytes,
                                     double bandwidth, double saturation, double sharpness) {
        int sms = hw.smCount();
        DeepGemmBlock block = deepGemmBlock(p.m, p.n, p.k, p.batch, sms);
        double kBlocks = ceilDiv(p.k, DEEP_GEMM_BLOCK_K);
        double perBlock = kBlocks * hw.get(Param.GEMM_BLOCK_FP8_STEP_LATENCY_NS) * 1e-9
                + 2.0 * Math.max(64, block.blockM()) * block.blockN() * (p.k + fillK) / perSm;
        double busy = Math.min(block.blocks(), sms) / (double) sms;
        double compute = block.waves() * perBlock;
        double sustained = hw.get(Param.GEMM_BLOCK_FP8_SUSTAINED_FACTOR);
        if (sustained < 1) {
            // Run long at the board's power limit, the clock falls as for row-wise FP8, to a share of its own.
            compute = throttled(compute, busy * (1 - sustained), hw.get(Param.GEMM_FP8_THROTTLE_TIME_MS) * 1e-3);
        }
        double memory = bytes / (bandwidth * Math.min(1.0, busy / saturation));
        double fixed = hw.get(Param.GEMM_FIXED_LATENCY_US) * 1e-6;
        double body = RequestView.pnorm(compute, memory, sharpness);
        String bound = fixed > body ? "latency" : compute >= memory ? "compute" : "memory";
        return Estimate.of(fixed + body, p.batch > 1 ? "bmm" : "gemm", bound);
    }

    private static final int DEEP_GEMM_BLOCK_K = 128;
    private static final int HOPPER_SHARED_MEMORY = 232_448;
    private static final int DEEP_GEMM_MAX_STAGES = 16;

    /**
     * The block DeepGEMM launches a block-scaled FP8 GEMM with on Hopper ({@code sm90}, the 1D2D kernel with a
     * bf16 output): {@code blockM} 64 or 128 (16 and 32 for at most 16 / 32 rows, 256 with {@code blockN <= 128}),
     * {@code blockN} 16 to 128 in steps of 16 and 144, 160, 192; only blocks whose pipeline holds at least 3 stages
     * of A, B and A's scales in the 227 KB of shared memory beside the output tile (4 for blocks under 128 x 192);
     * clusters of 1 or 2 SMs sharing an operand by TMA multicast, only with more than one wave. Of those it takes
     * the one that moves the fewest bytes through L1 and L2 per SM over the share of the last wave the blocks fill
     * (the first of equals), as DeepGEMM's {@code get_best_config} ranks them (read in its
     * {@code csrc/jit_kernels/heuristics/sm90.hpp}: L2 at 6,153 bytes a cycle for the GPU, L1 at 128 bytes a cycle
     * per SM). {@code waves} is the number of blocks each SM runs in turn.
     */
    static DeepGemmBlock deepGemmBlock(long m, long n, long k, long batch, int sms) {
        List<Integer> blockMs = new ArrayList<>(List.of(64, 128));
        if (m <= 16) {
            blockMs.add(16);
        }
        if (m <= 32) {
            blockMs.add(32);
        }
        blockMs.add(256);
        long l2BytesPerCycle = Math.min(64L * sms, 6153);
        long l1BytesPerCycle = 128L * sms;
        long kBlocks = ceilDiv(k, DEEP_GEMM_BLOCK_K);
        DeepGemmBlock best = null;
        double bestCycles = Double.MAX_VALUE;
        for (int[] cluster : new int[][] {{1, 1}, {1, 2}, {2, 1}}) {
            int clusterM = cluster[0];
            int clusterN = cluster[1];
            if (sms % (clusterM * clusterN) != 0) {
                continue;
            }
            for (int blockM : blockMs) {
                for (int blockN = 16; blockN <= 192; blockN += 16) {
                    int excess = blockN - DEEP_GEMM_BLOCK_K;
                    if (excess > 0 && blockN % excess != 0 && DEEP_GEMM_BLOCK_K % excess != 0) {
                        continue; // the scale-promotion unroll needs 144, 160 or 192 above 128
                    }
                    if (blockM > 128 && blockN > 128) {
                        continue; // too many accumulator registers
                    }
                    long output = align(2L * blockM * blockN, 1024);
                    long scalesB = align(kBlocks * 4 * (DEEP_GEMM_BLOCK_K % blockN == 0 ? 1 : 2), 8);
                    long perStage = (long) blockM * DEEP_GEMM_BLOCK_K + (long) blockN * DEEP_GEMM_BLOCK_K
                            + align(4L * blockM, 128);
                    long stages = Math.min((HOPPER_SHARED_MEMORY - output - 16L * DEEP_GEMM_MAX_STAGES - scalesB)
                            / perStage, DEEP_GEMM_MAX_STAGES);
                    if (stages < 3 || blockM * blockN < 128 * 192 && stages < 4) {
                        continue;
                    }
                    long blocks = ceilDiv(m, blockM) * ceilDiv(n, blockN) * batch;
                    long waves = ceilDiv(blocks, sms);
                    long outputBytes = 2L * blockM * blockN;
                    long l2 = (k * (blockM / clusterN + blockN / clusterM) + outputBytes) * blocks / l2BytesPerCycle;
                    long l1 = (k * (blockM + blockN) + k * (Math.max(64, blockM) + blockN) + 2 * outputBytes)
                            * blocks / l1BytesPerCycle;
                    double cycles = clusterM * clusterN > 1 && waves <= 1 ? Double.MAX_VALUE
                            : (long) (Math.max(l1, l2) / ((double) blocks / (waves * sms)));
                    if (best == null || cycles < bestCycles) {
                        best = new DeepGemmBlock(blockM, blockN, clusterM * clusterN, blocks, waves);
                        bestCycles = cycles;
                    }
                }
            }
        }
        if (best == null) {
            // K so long that the scales of B alone leave no room for 3 stages: no block DeepGEMM would take;
            // priced as its most common block rather than not at all
            long blocks = ceilDiv(m, 128) * ceilDiv(n, 128) * batch;
            best = new DeepGemmBlock(128, 128, 1, blocks, ceilDiv(blocks, sms));
        }
        return best;
    }

    /** A DeepGEMM launch: its block, cluster size, the number of blocks and the waves they take. */
    record DeepGemmBlock(int blockM, int blockN, int cluster, long blocks, long waves) {
    }

    static long align(long value, long to) {
        return ceilDiv(value, to) * to;
    }

    /**
     * The output tile ({@code [rows, columns]} of the PyTorch output) sgl-kernel's {@code fp8_scaled_mm}
     * launches for an {@code M x N} product (its {@code sm90_fp8_dispatch_shape}, {@code sm100_...} and
     * {@code sm89_fp8_dispatch_shape}): Hopper 64 x 64 up to {@code M = 64}, 64 x 128 up to 128, 128 x 128
     * above (the buckets by the next power of two of {@code M} that the measured sglang 0.5.14 table
     * steps at; later sgl-kernel sources keep 64 x 64 up to 256, docs/simulator.md);
     * Blackwell 64 x 64 up to {@code M = 64}, 128 x 128 up to 256, 256 x 128 above; Ada 16-128 rows by
     * 64-128 columns by {@code M} and {@code N}. Other architectures have no FP8 tensor cores; they get
     * the Hopper choice.
     */
    static int[] rowwiseFp8Tile(String architecture, long m, long n) {
        switch (architecture) {
            case "blackwell" -> {
                long mp2 = Math.max(16, Long.highestOneBit(Math.max(1, m - 1)) << 1);
                return mp2 <= 64 ? new int[] {64, 64} : mp2 <= 256 ? new int[] {128, 128} : new int[] {256, 128};
            }
            case "ada" -> {
                if (m <= 16) {
                    return new int[] {n > 8192 && n <= 16384 || m == 1 && n > 8192 ? 32 : 16, 64};
                }
                if (m <= 64) {
                    return new int[] {n <= 16384 ? 32 : 16, 64};
                }
                if (m <= 128) {
                    return new int[] {n <= 16384 ? 64 : 32, 64};
                }
                if (m <= 256) {
                    return n <= 8192 ? new int[] {128, 64} : n <= 16384 ? new int[] {64, 128} : new int[] {128, 64};
                }
                return new int[] {128, 128};
            }
            default -> {
                return m <= 64 ? new int[] {64, 64} : m <= 128 ? new int[] {64, 128} : new int[] {128, 128};
            }
        }
    }

    /**
     * The time a kernel needs for {@code work} seconds of work at its starting rate when the rate falls
     * exponentially, with time constant {@code tau}, to {@code 1 - drop} of it (the clock under a sustained
     * power limit): the {@code T} with {@code T - drop * (T - tau * (1 - exp(-T / tau))) = work}. The left side
     * is increasing and concave in {@code T}, so Newton's method from {@code T = work} rises to the root.
     */
    static double throttled(double work, double drop, double tau) {
        double t = work;
        for (int i = 0; i < 50; i++) {
            double decay = Math.exp(-t / tau);
            double f = t - drop * (t - tau * (1 - decay)) - work;
            double slope = 1 - drop * (1 - decay);
            double next = t - f / slope;
            if (Math.abs(next - t) <= 1e-12 * work) {
                return next;
            }
            t = next;
        }
        return t;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
