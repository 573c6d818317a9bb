package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Attributes;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelWork;
import io.flowsim.api.model.MemoryTransfer;
import io.flowsim.api.model.MultiTensorApplyTraffic;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Bandwidth-bound kernels: normalization, elementwise arithmetic and activations, reductions, copies
 * and gathers, sampling, fills, and memcpy/memset. Time = a fixed per-kernel latency + the bytes read
 * and written at the family's achievable fraction of the memory bandwidth (PCIe for host copies,
 * NVLink for peer copies).
 */
final class MemoryModel {

    private MemoryModel() {
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        // the name's facts once per request: each lookup compares the name with the cached one
        KernelNameFacts names = KernelNameFacts.of(r);
        TopkKernel.Role role = names.topkRole(r);
        if (role != TopkKernel.Role.NONE) {
            return TopkKernel.estimate(r, hw, role);
        }
        OperationFamily f = r.family();
        Param efficiency;
        Param latency;
        switch (f) {
            case NORM -> {
                efficiency = Param.NORM_MEMORY_EFFICIENCY;
                latency = Param.NORM_FIXED_LATENCY_US;
            }
            case REDUCTION -> {
                efficiency = Param.REDUCTION_MEMORY_EFFICIENCY;
                latency = Param.REDUCTION_FIXED_LATENCY_US;
            }
            case COPY -> {
                efficiency = Param.COPY_MEMORY_EFFICIENCY;
                latency = Param.COPY_FIXED_LATENCY_US;
            }
            default -> {
                efficiency = Param.ELEMENTWISE_MEMORY_EFFICIENCY;
                latency = Param.ELEMENTWISE_FIXED_LATENCY_US;
            }
        }
        if (vectorized(f, names)) {
            efficiency = Param.VECTORIZED_MEMORY_EFFICIENCY;
            latency = Param.VECTORIZED_FIXED_LATENCY_US;
        } else if (strided(f, names)) {
            efficiency = Param.STRIDED_MEMORY_EFFICIENCY;
            latency = Param.STRIDED_FIXED_LATENCY_US;
        }
        // a rotary embedding over its cos/sin cache (told by its operands) counts its positions' rows, any other
        // kernel its operands
        double bytes = names.vectorizedGather() ? vectorizedGatherTraffic(r) : rotaryTraffic(r);
        if (Double.isNaN(bytes)) {
            Optional<MultiTensorApplyTraffic> lists = MultiTensorApplyTraffic.of(r.kernelName(), r.launch());
            if (lists.isPresent()) {
                return multiTensor(lists.get(), hw);
            }
            String problem = RequestView.text(r, Attributes.OPERANDS_PROBLEM.name());
            return Estimate.unsupported(RequestView.hasShapes(r) ? "the operand types are unknown"
                    : problem != null ? "the operator's shapes give no operands: " + problem : "no operand shapes");
        }
        if (names.cat()) {
            return cat(r, bytes, hw);
        }
        if (names.fill()) {
            return fill(bytes, hw, efficiency);
        }
        if (names.warpSoftmax()) {
            return warpSoftmax(r, bytes, hw);
        }
        if (f == OperationFamily.NORM && hw.get(Param.NORM_ROW_LATENCY_US) + hw.get(Param.NORM_ROW_NS_PER_ELEMENT) > 0) {
            return normRows(r, bytes, hw);
        }
        if (names.perTokenQuantFp8()) {
            return perTokenQuant(r, bytes, hw);
        }
        if (names.perTokenGroupQuant()) {
            // One read of each 128-element group (held in registers for its absmax), the FP8 write and the
            // scales, at the per-token kernel's bandwidth share with its own fixed cost.
            return bandwidthBound(bytes, hw, Param.GEMM_FP8_QUANT_MEMORY_EFFICIENCY,
                    Param.GEMM_FP8_GROUP_QUANT_FIXED_LATENCY_US, "per-token-group-quant-fp8");
        }
        if (names.indexElementwise() && r.launch().isPresent()) {
            bytes = Math.min(bytes, indexElementwiseTraffic(r, names));
        }
        Estimate e = bandwidthBound(bytes, hw, efficiency, latency, f.id());
        if (f == OperationFamily.REDUCTION && names.atomicAbsmax() && r.launch().isPresent()) {
            return atomicAbsmax(r, hw, e, bytes / (hw.hbmBytesPerSecond() * hw.get(efficiency)));
        }
        if (f == OperationFamily.REDUCTION) {
            return smallGridReduction(r, hw, e, names);
        }
        return indexLoop(r, hw, e, names);
    }

    /**
     * A multi-tensor kernel whose TensorLists recorded no shapes: the bytes of a full chunk per block of its grid
     * ({@link MultiTensorApplyTraffic}, an upper bound where tensors end in partial chunks) at the streaming pattern's
     * {@code t0} and {@code e}. Its loads are contiguous and coalesced (PyTorch's foreach functors load 16 bytes a
     * thread where aligned; Apex's {@code AdamFunctor} four independent elements of each of its four lists a
     * thread), and each SM keeps far more bytes in flight than the bandwidth-latency product asks, the streaming
     * case the vectorized pattern's efficiency describes.
     */
    private static Estimate multiTensor(MultiTensorApplyTraffic lists, HardwareProfile hw) {
        if (!lists.known()) {
            return Estimate.unsupported(lists.problem());
        }
        return bandwidthBound(lists.bytes(), hw, Param.VECTORIZED_MEMORY_EFFICIENCY, Param.VECTORIZED_FIXED_LATENCY_US,
                MULTI_TENSOR_MODEL);
    }

    /** The model name of {@link #multiTensor}'s estimates. */
    static final String MULTI_TENSOR_MODEL = "multi-tensor-apply";

    /** Blocks per SM PyTorch's generic cat launches for each tensor ({@code getCatGrid}: {@code 2 * SMs} blocks). */
    static final int CAT_BLOCKS_PER_SM = 2;
    /** Threads per block of PyTorch's generic cat ({@code getCatBlock}). */
    static final int CAT_THREADS = 512;


    /**
     * Whether a cat kernel is one of the variants that copy one element per thread per loop iteration
     * ({@code CatArrayBatchedCopy}, {@code CatArrayBatchedCopy_contig}); the others ({@code _vectorized},
     * {@code _aligned16_contig}, {@code _alignedK_contig}) move 16 bytes per thread with vector loads and stores.
     */
    static boolean elementwiseCat(SimulationRequest r) {
        return KernelNameFacts.of(r).elementwiseCat();
    }

    /**
     * PyTorch's batched cat ({@code Shape.cu}): blocks along y take one tensor each (grid y = the tensors of this
     * launch), and blocks along x walk that tensor's elements, writing them at their place in the output. It reads
     * and writes every element once ({@code 2 * output} bytes). The vectorized variants move 16 bytes per thread at
     * the vectorized elementwise pattern's {@code t0} and {@code e}. The generic kernel and {@code _contig} copy one
     * element per thread per iteration of a loop whose iterations compute the element's output (and input) offset
     * with a division and a remainder per dimension; PyTorch launches them with a fixed grid of {@code 2 * SMs}
     * blocks of 512 threads per tensor, so a large tensor is walked in {@code rounds = ceil(largest / (grid x *
     * block))} iterations, far below the bandwidth (a [4, 32, 1024, 64] bf16 pair: 63 rounds, 0.94 TB/s on the
     * H200): {@code t = max(t0 + bytes / (B * e), launch_floor + waves * rounds * cat_round)} with the strided
     * elementwise pattern's {@code t0} and {@code e}, {@code waves} the blocks over the 2,048 threads each SM
     * holds. A cat of more tensors than one launch takes (its batch) launches a kernel per batch, each recorded
     * with the whole list: when the launch's grid y says so, the kernel is priced for its share of tensors of
     * equal size, and is unsupported when they differ (which ones it copies is not recorded).
     */
    private static Estimate cat(SimulationRequest r, double bytes, HardwareProfile hw) {
        double tensors = RequestView.number(r, Attributes.LIST_TENSORS.name(), Double.NaN);
        double largest = RequestView.number(r, Attributes.LIST_LARGEST.name(), Double.NaN);
        Operand output = RequestView.operand(r, "output", "out");
        long launched = r.launch().map(l -> l.grid().y()).orElse(0L);
        if (!Double.isNaN(tensors) && launched > 0 && launched < tensors) {
            if (output == null || Double.isNaN(largest) || largest * tensors != output.elementCount()) {
                return Estimate.unsupported("this cat kernel copies " + launched + " of its operator's "
                        + (long) tensors + " tensors of different sizes, and which ones is not recorded");
            }
            bytes *= launched / tensors;
        }
        if (!elementwiseCat(r)) {
            return bandwidthBound(bytes, hw, Param.VECTORIZED_MEMORY_EFFICIENCY, Param.VECTORIZED_FIXED_LATENCY_US,
                    "cat-vectorized");
        }
        Estimate bandwidth = bandwidthBound(bytes, hw, Param.STRIDED_MEMORY_EFFICIENCY, Param.STRIDED_FIXED_LATENCY_US,
                "cat");
        if (Double.isNaN(largest) || Double.isNaN(tensors)) {
            return bandwidth;
        }
        long perTensor = r.launch().map(l -> l.grid().x() * l.block().volume())
                .filter(t -> t > 0).orElse((long) CAT_BLOCKS_PER_SM * hw.smCount() * CAT_THREADS);
        double copied = launched > 0 ? Math.min(launched, tensors) : tensors;
        double rounds = Math.ceil(largest / perTensor);
        double waves = Math.ceil(perTensor * copied / ((double) hw.smCount() * THREADS_PER_SM));
        double loop = hw.get(Param.REDUCTION_LAUNCH_FLOOR_US) * 1e-6
                + waves * rounds * hw.get(Param.COPY_CAT_ROUND_US) * 1e-6;
        if (loop <= bandwidth.seconds()) {
            return bandwidth;
        }
        return Estimate.of(loop, "cat-loop", "round-trips");
    }


    /**
     * A fill pays the launch floor ({@code reduction.launch_floor_us}, the time of a kernel that moves no operand
     * data) and its stores at its access pattern's bandwidth: {@code t = floor + bytes / (B * e)}. The pattern's
     * fixed latency {@code t0} is fitted on kernels that load their input and wait for it before they store, a
     * round trip a fill does not make.
     */
    private static Estimate fill(double bytes, HardwareProfile hw, Param efficiency) {
        double floor = hw.get(Param.REDUCTION_LAUNCH_FLOOR_US) * 1e-6;
        double body = bytes / (hw.hbmBytesPerSecond() * hw.get(efficiency));
        return Estimate.of(floor + body, "fill", floor > body ? "latency" : "memory");
    }


    /** Rows of up to this width are walked by PyTorch's warp softmax ({@code PersistentSoftmax.cuh}). */
    static final int WARP_SOFTMAX_MAX_WIDTH = 1024;

    /**
     * Elements each thread of PyTorch's warp softmax holds for a row of {@code width} elements: the row is padded to a
     * power of two {@code p}, a warp of {@code min(p, 32)} lanes walks it in {@code p / min(p, 32)} steps
     * ({@code WARP_ITERATIONS}), and a warp takes {@code WARP_BATCH} rows (2 for {@code p <= 128}, else 1).
     */
    static int warpSoftmaxElementsPerThread(long width) {
        int p = warpSoftmaxPaddedWidth(width);
        return warpSoftmaxRowsPerWarp(p) * (p / Math.min(p, 32));
    }

    private static int warpSoftmaxPaddedWidth(long width) {
        long w = Math.max(1, Math.min(width, WARP_SOFTMAX_MAX_WIDTH));
        return Integer.highestOneBit((int) (2 * w - 1));
    }

    private static int warpSoftmaxRowsPerWarp(int paddedWidth) {
        return paddedWidth <= 128 ? 2 : 1;
    }

    /**
     * A warp softmax: its own fixed latency ({@code reduction.warp_softmax_latency_us}: the launch, one load round, two
     * shuffle reductions and a store; {@code reduce_kernel}'s {@code t0} also pays a block-wide reduction through
     * shared memory), then the longer of its traffic at the reduction family's bandwidth and its threads' walk over
     * their elements. It writes a row for every row it reads, which the trace does not mark as an output and the
     * reduction count leaves out, so the write of one input's size is added to what it reads. Each thread holds
     * {@link #warpSoftmaxElementsPerThread} elements and works through them one after the other (the maximum, the
     * exponential and sum, the division and store), at the per-element cost of a thread walking a row that the norm
     * section gives ({@code norm.row_ns_per_element} times the 128 threads it was fitted on; 0 where a profile leaves
     * the norm's per-row bound off). Threads beyond the 2,048 an SM holds run in further waves.
     */
    private static Estimate warpSoftmax(SimulationRequest r, double bytes, HardwareProfile hw) {
        Operand input = RequestView.operand(r, "self", "input", "x", "grad_output");
        double traffic = input == null || Double.isNaN(input.bytes()) ? bytes : bytes + input.bytes();
        double fixed = hw.get(Param.REDUCTION_WARP_SOFTMAX_LATENCY_US) * 1e-6;
        double body = traffic / (hw.hbmBytesPerSecond() * hw.get(Param.REDUCTION_MEMORY_EFFICIENCY));
        double walk = 0;
        if (input != null && !input.shape().isEmpty()) {
            long width = RequestView.dimFromEnd(input, 1);
            double rows = Math.max(1, RequestView.leading(input, 1));
            int padded = warpSoftmaxPaddedWidth(width);
            double threads = Math.ceil(rows / warpSoftmaxRowsPerWarp(padded)) * Math.min(padded, 32);
            double waves = Math.ceil(threads / (hw.smCount() * THREADS_PER_SM));
            double perElement = hw.get(Param.NORM_ROW_NS_PER_ELEMENT) * NORM_FIT_THREADS * 1e-9;
            walk = waves * warpSoftmaxElementsPerThread(width) * perElement;
        }
        double t = fixed + Math.max(body, walk);
        return Estimate.of(t, "warp-softmax", fixed > Math.max(body, walk) ? "latency" : walk > body ? "rows" : "memory");
    }


    /**
     * The compulsory traffic of a {@link KernelNameFacts#vectorizedGather} kernel, as the work count counts it
     * ({@link KernelWork#vectorizedGatherTraffic}): the rows it writes, the table rows it reads (each distinct row
     * once, so at most the whole table: a row gathered again is served by the L2), and one index per row. The trace
     * records the index at the output's shape, so its elements are not the bytes read. Without a table and an index
     * of known shape and type, the operand count ({@link #traffic}).
     */
    static double vectorizedGatherTraffic(SimulationRequest r) {
        OptionalDouble bytes = KernelWork.vectorizedGatherTraffic(r.operands());
        return bytes.isPresent() ? bytes.getAsDouble() : traffic(r);
    }

    /**
     * The traffic of a kernel, a rotary embedding over a cos/sin cache counted as the work count counts it
     * ({@link KernelWork#rotaryTraffic}): it rotates {@code q} and {@code k} (read and written) and reads the cache
     * rows of its positions only, one row per token, not the whole cache (163,840 positions x 64 fp32 = 42 MB for
     * DeepSeek) the operator passes; without a marked output the generic count also priced the cache as written.
     * Any other kernel (no {@code cos_sin_cache} and queries of known shape and type): the operand count
     * ({@link #traffic}).
     */
    static double rotaryTraffic(SimulationRequest r) {
        OptionalDouble bytes = KernelWork.rotaryTraffic(r.operands());
        return bytes.isPresent() ? bytes.getAsDouble() : traffic(r);
    }

    /** Blocks per SM PyTorch's index_select / index_add launchers allow ({@code mpc * 8} blocks at most). */
    static final int INDEX_BLOCKS_PER_SM = 8;
    /** Threads per block of those launchers. */
    static final int INDEX_THREADS = 128;

    /**
     * PyTorch's {@code index_select} and {@code index_add_} kernels ({@code Indexing.cu}: {@code indexSelectSmallIndex},
     * {@code indexSelectLargeIndex}, {@code indexFuncSmallIndex}, {@code indexFuncLargeIndex}) copy <em>one element
     * per thread</em> per loop iteration, and each iteration first loads the index, then the element it addresses:
     * two dependent loads per round, with the grid capped at {@code 8 * SMs} blocks of 128 threads. A large
     * gather is therefore latency-bound, far below the bandwidth: {@code t = max(t0 + bytes / (B * e),
     * launch_floor + rounds * index_round)} with {@code rounds = ceil(slice * indices / threads)} for the
     * large-index kernels and {@code indices * ceil(slice / threads)} for the small-index ones (which walk the
     * indices one after the other), {@code threads} the launched ones (grid x block) or, without a launch,
     * the launcher's {@code min(ceil(total / 128), 8 * SMs) * 128}.
     */
    static Estimate indexLoop(SimulationRequest r, HardwareProfile hw, Estimate bandwidth) {
        return indexLoop(r, hw, bandwidth, KernelNameFacts.of(r));
    }

    private static Estimate indexLoop(SimulationRequest r, HardwareProfile hw, Estimate bandwidth, KernelNameFacts names) {
        if (names.indexElementwise()) {
            return indexElementwiseChain(r, hw, bandwidth);
        }
        boolean small = names.indexSmall();
        boolean large = names.indexLarge();
        if (!small && !large) {
            return bandwidth;
        }
        Operand index = RequestView.operand(r, "index", "indices");
        Operand source = RequestView.operand(r, "input", "self", "source");
        if (index == null || source == null || index.shape().isEmpty() || source.shape().isEmpty()) {
            return bandwidth;
        }
        long indices = index.elementCount();
        long slice = source.elementCount() / Math.max(1, source.shape().get(0));
        long total = slice * indices;
        long threads;
        if (r.launch().isPresent()) {
            threads = RequestView.launchedThreads(r);
        } else {
            long work = small ? slice : total;
            threads = Math.min(GemmModel.ceilDiv(work, INDEX_THREADS), (long) hw.smCount() * INDEX_BLOCKS_PER_SM)
                    * INDEX_THREADS;
        }
        if (threads <= 0 || total <= 0) {
            return bandwidth;
        }
        long rounds = small ? indices * GemmModel.ceilDiv(slice, threads) : GemmModel.ceilDiv(total, threads);
        double chain = hw.get(Param.REDUCTION_LAUNCH_FLOOR_US) * 1e-6 + rounds * hw.get(Param.COPY_INDEX_ROUND_US) * 1e-6;
        if (chain <= bandwidth.seconds()) {
            return bandwidth;
        }
        return Estimate.of(chain, "index-loop", "round-trips");
    }


    /** Elements per thread ({@code vt}, the template's second argument) of an {@code index_elementwise_kernel}; 4 if not given. */
    static int indexElementsPerThread(SimulationRequest r) {
        return KernelNameFacts.of(r).indexElementsPerThread();
    }

    /**
     * The bytes an {@code index_elementwise_kernel} moves by its launch, as the work count bounds them
     * ({@link KernelWork#indexElementwiseTraffic}): {@code grid x block x vt} elements, each read and written once
     * (the index loads hit the caches). An {@code x[idx]} with TensorList indices records the indexed tensor but no
     * index shape, so the operand count would price the whole tensor ({@code [8192, 7168]} for the 8 rows of the
     * FlowSim trace's last-token gather); infinite (the operand count stands) without a usable launch or operand.
     */
    static double indexElementwiseTraffic(SimulationRequest r) {
        return indexElementwiseTraffic(r, KernelNameFacts.of(r));
    }

    private static double indexElementwiseTraffic(SimulationRequest r, KernelNameFacts names) {
        return KernelWork.indexElementwiseTraffic(r.operands(), RequestView.launchedThreads(r),
                names.indexElementsPerThread()).orElse(Double.POSITIVE_INFINITY);
    }

    /**
     * An {@code index_elementwise_kernel} thread handles {@code vt} elements one after the other, each a chain of the
     * index load and the dependent load (or store) of the element it addresses: the round of PyTorch's index loops
     * ({@code copy.index_round_us}). Threads beyond what the SMs hold ({@code 2,048} each) run in further waves:
     * {@code t = max(t0 + bytes / (B * e), launch_floor + vt * waves * index_round)}.
     */
    private static Estimate indexElementwiseChain(SimulationRequest r, HardwareProfile hw, Estimate bandwidth) {
        long threads = RequestView.launchedThreads(r);
        if (threads <= 0) {
            return bandwidth;
        }
        long waves = GemmModel.ceilDiv(threads, hw.smCount() * THREADS_PER_SM);
        double chain = hw.get(Param.REDUCTION_LAUNCH_FLOOR_US) * 1e-6
                + indexElementsPerThread(r) * waves * hw.get(Param.COPY_INDEX_ROUND_US) * 1e-6;
        if (chain <= bandwidth.seconds()) {
            return bandwidth;
        }
        return Estimate.of(chain, "index-loop", "round-trips");
    }

    /** Elements each thread of PyTorch's {@code reduce_kernel} has in flight per loop iteration. */
    static final int REDUCE_ELEMENTS_PER_LOAD = 4;

    /**
     * PyTorch's {@code reduce_kernel} (ATen {@code Reduce.cuh}) launched with fewer blocks than SMs: each block
     * walks its share of the input in a loop whose iterations each load {@code vt0 = input_vec_size = 4}
     * elements per thread (the template's last two arguments) and wait for them before the next. With one
     * block per SM the bandwidth is not what bounds the kernel but this chain (Little's law with one block's
     * loads in flight): {@code t >= t0 + (ceil(elements per block / (threads * 4)) - 1) * round_trip}, the
     * first round being part of {@code t0}. The round trip
     * is the L2 one (fitted on topk's L2-resident counters), so the bound is a lower one for inputs in HBM.
     */
    static Estimate smallGridReduction(SimulationRequest r, HardwareProfile hw, Estimate bandwidth) {
        return smallGridReduction(r, hw, bandwidth, KernelNameFacts.of(r));
    }

    private static Estimate smallGridReduction(SimulationRequest r, HardwareProfile hw, Estimate bandwidth,
                                               KernelNameFacts names) {
        if (!names.reduceKernel() || r.launch().isEmpty()) {
            return bandwidth;
        }
        long blocks = r.launch().get().grid().volume();
        long threads = r.launch().get().block().volume();
        if (blocks <= 0 || threads <= 0 || blocks >= hw.smCount()) {
            return bandwidth;
        }
        Operand input = RequestView.operand(r, "input", "self", "x");
        if (input == null || input.shape().isEmpty()) {
            return bandwidth;
        }
        long perBlock = GemmModel.ceilDiv(input.elementCount(), blocks);
        long rounds = GemmModel.ceilDiv(perBlock, threads * REDUCE_ELEMENTS_PER_LOAD);
        double fixed = hw.get(Param.REDUCTION_FIXED_LATENCY_US) * 1e-6;
        // t0 (fitted on one-round kernels of a few elements) already holds the first round.
        double chain = (rounds - 1) * hw.get(Param.REDUCTION_ROUND_TRIP_US) * 1e-6;
        if (fixed + chain <= bandwidth.seconds()) {
            return bandwidth;
        }
        return Estimate.of(fixed + chain, "reduction-small-grid", fixed > chain ? "latency" : "round-trips");
    }

    /**
     * Threads per block of the kernels {@code norm.row_ns_per_element} was fitted on (PyTorch's
     * {@code vectorized_layer_norm_kernel}, blocks of 32 x 4 threads).
     */
    static final int NORM_FIT_THREADS = 128;
    /** Threads one SM holds at once (2,048 on the A100, H100, H200 and B200), which caps the rows in flight per SM. */
    static final long THREADS_PER_SM = 2048;

    /**
     * A normalization kernel gives each row to one thread block, which walks the row, reduces it and
     * writes it: besides the bandwidth, the rows bound the time, dealt to the SMs in waves of
     * {@code rows_per_sm} each (at most as many blocks as the SM's 2,048 threads hold), a row taking
     * {@code row_latency + width * (128 / threads) * row_ns_per_element}: its elements per thread of the launched
     * block, scaled to the 128-thread blocks the per-element cost was fitted on. Narrow,
     * numerous rows (a per-head q/k norm over 128 elements) and a few wide ones (a decode step's
     * 4 x 4096) are row-bound, not bandwidth-bound.
     */
    private static Estimate normRows(SimulationRequest r, double traffic, HardwareProfile hw) {
        double bytes = traffic;
        Operand input = RequestView.operand(r, "input", "x", "hidden_states", "self");
        if (input == null || input.shape().isEmpty()) {
            for (Operand o : r.operands()) {
                if (RequestView.read(o) && !o.shape().isEmpty()) {
                    input = o;
                    break;
                }
            }
        }
        double fixed = hw.get(Param.NORM_FIXED_LATENCY_US) * 1e-6;
        if (twoPassNorm(r) && input != null && !Double.isNaN(input.bytes())) {
            bytes += input.bytes();
        }
        double body = bytes / (hw.hbmBytesPerSecond() * hw.get(Param.NORM_MEMORY_EFFICIENCY));
        if (input == null || input.shape().isEmpty()) {
            return Estimate.of(fixed + body, "norm", fixed > body ? "latency" : "memory");
        }
        long width = RequestView.dimFromEnd(input, 1);
        double rows = Math.max(1, RequestView.leading(input, 1));
        long threads = r.launch().map(l -> l.block().volume()).filter(t -> t > 0).orElse((long) NORM_FIT_THREADS);
        double rowsPerSm = Math.min(hw.get(Param.NORM_ROWS_PER_SM), Math.max(1, THREADS_PER_SM / threads));
        double waves = Math.ceil(rows / (hw.smCount() * rowsPerSm));
        // The per-element cost was fitted on blocks of NORM_FIT_THREADS threads: a row's walk takes its
        // elements per thread, so a wider block walks the same row in proportionally fewer steps.
        double perThread = (double) width * NORM_FIT_THREADS / threads;
        double rowTime = (hw.get(Param.NORM_ROW_LATENCY_US) + perThread * hw.get(Param.NORM_ROW_NS_PER_ELEMENT) * 1e-3)
                * 1e-6;
        double rowBound = waves * rowTime;
        double t = fixed + Math.max(body, rowBound);
        return Estimate.of(t, "norm", fixed > Math.max(body, rowBound) ? "latency" : rowBound > body ? "rows" : "memory");
    }

    /**
     * Whether the kernel is FlashInfer's {@code RMSNormKernel} (sgl-kernel's {@code rmsnorm}), which walks its row
     * twice through global memory: a first loop loads the row for the sum of squares, a second loads it again to
     * scale and store it. Its fused-residual sibling {@code FusedAddRMSNormKernel} keeps the row in shared memory
     * between the two loops and reads it once.
     */
    static boolean twoPassNorm(SimulationRequest r) {
        return KernelNameFacts.of(r).twoPassNorm();
    }


    /**
     * Atomics on one address serialize at the L2 slice that owns it, so such a kernel takes at least one
     * {@code reduction.same_address_atomic_ns} per thread block of its launch, however fast it streams its input:
     * {@code t = t0 + max(bytes / (B * e), blocks * t_atomic)}. A block-reducing kernel launches few blocks and
     * never reaches that bound; the one-program-per-row Triton kernel launches {@code tokens * heads} of them.
     */
    private static Estimate atomicAbsmax(SimulationRequest r, HardwareProfile hw, Estimate bandwidth, double streaming) {
        double blocks = r.launch().get().grid().volume();
        double chain = blocks * hw.get(Param.REDUCTION_SAME_ADDRESS_ATOMIC_NS) * 1e-9;
        if (chain <= streaming) {
            return bandwidth;
        }
        return Estimate.of(bandwidth.seconds() - streaming + chain, "reduction-same-address-atomics", "latency");
    }



    /**
     * sgl-kernel's per-token FP8 quantization walks each token's row twice: an absmax pass, then a scaling pass
     * that loads the row again from global memory before writing the FP8 values and the scale. Both of its
     * kernels do (one warp per token from {@code 2 * SMs * 8} tokens on, one 256-thread block per token below;
     * read at sglang commits 436c48d and 0490047: the later one's shared-memory copy of the row is switched off
     * by its launcher, which compares the copy's size in bytes with a limit given in kilobytes), so the input
     * is read twice: {@code bytes + input bytes} at the kernel's own bandwidth share and fixed cost
     * ({@code gemm.fp8_quant_memory_efficiency}, {@code gemm.fp8_quant_fixed_latency_us}: it exists only in front
     * of a row-wise scaled FP8 GEMM and streams with 16-byte loads, unlike PyTorch's elementwise kernels). The
     * second pass is counted as HBM traffic: the warp kernel has 64 rows in flight per SM, more than the L2 holds
     * from about 4,096 16-bit elements per token on; the block-per-token kernel may find its row in L1, which is
     * not credited.
     */
    private static Estimate perTokenQuant(SimulationRequest r, double bytes, HardwareProfile hw) {
        Operand input = RequestView.operand(r, "input", "x", "self");
        double reread = input == null || Double.isNaN(input.bytes()) ? 0 : input.bytes();
        return bandwidthBound(bytes + reread, hw, Param.GEMM_FP8_QUANT_MEMORY_EFFICIENCY,
                Param.GEMM_FP8_QUANT_FIXED_LATENCY_US, "per-token-quant-fp8");
    }

    /**
     * Whether the kernel is PyTorch's contiguous, vectorized elementwise kernel (16-byte loads and stores,
     * no per-element index arithmetic), which reaches a higher share of the bandwidth with a shorter
     * fixed cost than the generic {@code elementwise_kernel} (strided, broadcast or type-converting
     * operands: an integer division per dimension for every element). PyTorch's vectorized row gather
     * ({@link KernelNameFacts#vectorizedGather}) loads and stores 16 bytes at a time over contiguous rows too.
     */
    static boolean vectorized(SimulationRequest r) {
        return vectorized(r.family(), KernelNameFacts.of(r));
    }

    private static boolean vectorized(OperationFamily f, KernelNameFacts names) {
        // A fill (aten::fill_, zero_) is the same vectorized kernel with a FillFunctor and no input.
        return (f == OperationFamily.ELEMENTWISE || f == OperationFamily.COPY || f == OperationFamily.MEMSET)
                && (names.vectorizedElementwise() || names.vectorizedGather());
    }

    /** Whether the kernel is PyTorch's generic (non-vectorized) elementwise kernel. */
    static boolean strided(SimulationRequest r) {
        return strided(r.family(), KernelNameFacts.of(r));
    }

    private static boolean strided(OperationFamily f, KernelNameFacts names) {
        return (f == OperationFamily.ELEMENTWISE || f == OperationFamily.COPY || f == OperationFamily.MEMSET)
                && names.stridedElementwise();
    }

    /**
     * A bandwidth-bound kernel: a fixed latency plus its bytes at the achievable HBM bandwidth
     * ({@code t0 + bytes / (B * e)}), bound by whichever term is larger.
     */
    static Estimate bandwidthBound(double bytes, HardwareProfile hw, Param efficiency, Param latency, String model) {
        double fixed = hw.get(latency) * 1e-6;
        double body = bytes / (hw.hbmBytesPerSecond() * hw.get(efficiency));
        return Estimate.of(fixed + body, model, fixed > body ? "latency" : "memory");
    }

    /**
     * Bytes a kernel reads and writes, from its operands, counted as FlowSim's efficiency figures count
     * them ({@link KernelWork#memoryTraffic}); NaN when no operand has a shape and a type.
     */
    static double traffic(SimulationRequest r) {
        return KernelWork.memoryTraffic(r.family(), r.operands()).orElse(Double.NaN);
    }

    /** MoE routing bookkeeping (top-k, token sorting, expert alignment): small, latency-bound kernels. */
    static Estimate routing(SimulationRequest r, HardwareProfile hw) {
        double bytes = traffic(r);
        if (Double.isNaN(bytes)) {
            return Estimate.unsupported(RequestView.hasShapes(r) ? "the operand types are unknown"
                    : "no operand shapes");
        }
        return bandwidthBound(bytes, hw, Param.ELEMENTWISE_MEMORY_EFFICIENCY, Param.ELEMENTWISE_FIXED_LATENCY_US,
                "moe-routing");
    }

    /** memcpy and memset activities, from their byte count and copy kind. */
    static Estimate transfer(SimulationRequest r, HardwareProfile hw) {
        if (r.transfer().isEmpty()) {
            return Estimate.unsupported("a " + r.kind().name().toLowerCase(Locale.ROOT) + " without a byte count");
        }
        MemoryTransfer t = r.transfer().get();
        double fixed = hw.get(Param.TRANSFER_FIXED_LATENCY_US) * 1e-6;
        // Memsets and device copies run as a small driver kernel on the GPU; host and peer copies
        // also pay the link's round trip.
        double deviceFixed = hw.get(Param.TRANSFER_DEVICE_FIXED_LATENCY_US) * 1e-6;
        double bytes = t.bytes();
        if (r.kind() == KernelKind.MEMSET) {
            fixed = deviceFixed;
            double body = bytes / (hw.hbmBytesPerSecond() * hw.get(Param.TRANSFER_DEVICE_EFFICIENCY));
            return Estimate.of(fixed + body, "memset", fixed > body ? "latency" : "memory");
        }
        String d = t.direction().toLowerCase(Locale.ROOT).replace(" ", "");
        double body;
        String model;
        if (d.contains("htod") || d.contains("dtoh") || d.contains("htoh") || d.contains("pinned")
                || d.contains("pageable") || d.contains("host")) {
            if (hw.pcieBandwidthGbps() <= 0) {
                return Estimate.unsupported(hw.id() + " has no host link bandwidth in its profile");
            }
            // The GPUs that share one host uplink (HGX boards: two per PCIe switch) copy at once in
            // data-parallel jobs, so each gets its share; pageable memory is staged through a pinned
            // bounce buffer by the driver, which costs a further fraction.
            double link = hw.pcieBytesPerSecond() / hw.hostLinkSharedBy() * hw.get(Param.TRANSFER_PCIE_EFFICIENCY);
            if (d.contains("pageable")) {
                link *= hw.get(Param.TRANSFER_PAGEABLE_FRACTION);
            }
            body = bytes / link;
            model = d.contains("pageable") ? "memcpy-host-pageable" : "memcpy-host";
        } else if (d.contains("ptop") || d.contains("peer")) {
            double link = hw.peerBytesPerSecond(2);
            body = bytes / (link * hw.get(Param.TRANSFER_PCIE_EFFICIENCY));
            model = "memcpy-peer";
        } else {
            // Device to device: every byte is read and written.
            fixed = deviceFixed;
            body = 2 * bytes / (hw.hbmBytesPerSecond() * hw.get(Param.TRANSFER_DEVICE_EFFICIENCY));
            model = "memcpy-device";
        }
        return Estimate.of(fixed + body, model, fixed > body ? "latency" : "memory");
    }
}
