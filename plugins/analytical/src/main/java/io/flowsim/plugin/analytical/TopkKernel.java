package io.flowsim.plugin.analytical;

import io.flowsim.api.model.Operand;
import io.flowsim.api.model.SimulationRequest;

/**
 * The kernels of PyTorch's multi-block radix-select {@code topk} ({@code at::native::mbtopk}, CUDA path of
 * {@code aten/src/ATen/native/cuda/TensorTopK.cu}), each priced by what <em>it</em> reads and writes. A trace
 * gives every kernel of an operator the operator's operands, so without this each of the kernels
 * of one {@code topk} call (19 on the demo llama3 trace) would carry the whole input, although only two of
 * them read it.
 *
 * <p>The algorithm, as read in the source: the input {@code [slices, n]} is cut into {@code blocks_per_slice}
 * blocks of {@code items_per_thread * 256} elements per row. For each of the {@code bits / 8} radix passes,
 * {@code computeBlockDigitCounts} reads the input and writes a 256-bin histogram ({@code short}) per block,
 * {@code computeDigitCumSum} (one 256-thread block per row) adds the histograms of the row's blocks, each
 * thread walking {@code blocks_per_slice} counts 4 at a time, and {@code computeBlockwiseWithinKCounts} (one
 * block per histogram) reads one histogram. Then {@code computeBlockwiseKthCounts} (a grid-stride loop)
 * reads one count per block, cub's scan-by-key ({@code DeviceScanByKeyInitKernel}, then
 * {@code DeviceScanByKeyKernel}) scans the per-block counts twice, and {@code gatherTopK} reads the input
 * once more and writes the {@code k} values and indices. {@code fill} sets one {@code k} per row.
 *
 * <p>The many-block kernels are bandwidth-bound (the reduction family's {@code t0 + bytes / (B * e)} with
 * their own bytes); {@code fill} and cub's tile-state initialization move no operand data and take the
 * launch floor; the two kernels that walk their data serially inside one block take the launch floor plus
 * a chain of dependent round trips (Little's law with one block: the next load waits for the last).
 */
final class TopkKernel {

    /** Threads per block of every {@code mbtopk} kernel ({@code BLOCK_THREADS}) and histogram bins ({@code RADIX_DIGITS}). */
    static final int BLOCK_THREADS = 256;
    /** Bytes of one histogram: {@code RADIX_DIGITS} {@code short} counters. */
    static final long HISTOGRAM_BYTES = 256 * 2;
    /** Counts each thread of {@code computeDigitCumSum} loads before it adds them ({@code HISTO_ACCUM_TILE}). */
    static final int CUMSUM_LOADS_IN_FLIGHT = 4;

    /** What one kernel of the operator does. */
    enum Role {
        /** {@code mbtopk::fill}: one {@code k} per row. */
        FILL,
        /** cub's {@code DeviceScanInitKernel} / {@code DeviceScanByKeyInitKernel}: the scan's tile states. */
        SCAN_INIT,
        /** {@code computeBlockDigitCounts}: reads the input, writes a histogram per block. */
        DIGIT_COUNTS,
        /** {@code computeDigitCumSum}: one block per row adds its blocks' histograms serially. */
        DIGIT_CUMSUM,
        /** {@code computeBlockwiseWithinKCounts}: one block per histogram. */
        WITHIN_K_COUNTS,
        /** {@code computeBlockwiseKthCounts}: one count per block, in a grid-stride loop. */
        KTH_COUNTS,
        /** cub's {@code DeviceScanByKeyKernel} over the per-block counts (of a {@code topk}). */
        BLOCK_SCAN,
        /** {@code mbtopk::gatherTopK}: reads the input, writes the k values and indices. */
        GATHER,
        /** {@code sbtopk::gatherTopK}: one block per row selects and gathers the row's top k alone. */
        SINGLE_BLOCK,
        NONE
    }

    private TopkKernel() {
    }

    /** The role of the request's kernel in a {@code topk}, {@link Role#NONE} for any other kernel. */
    static Role role(SimulationRequest r) {
        return KernelNameFacts.of(r).topkRole(r);
    }

    /** The role of kernel {@code n} in a {@code topk}; {@code topkOperator}: whether its operator is a {@code topk}. */
    static Role role(String n, boolean topkOperator) {
        if (n.contains("DeviceScanInitKernel") || n.contains("DeviceScanByKeyInitKernel")) {
            return Role.SCAN_INIT;
        }
        if (n.contains("DeviceScanByKeyKernel") && topkOperator) {
            return Role.BLOCK_SCAN;
        }
        if (n.contains("sbtopk::gatherTopK")) {
            return Role.SINGLE_BLOCK;
        }
        if (!n.contains("mbtopk::")) {
            return Role.NONE;
        }
        if (n.contains("mbtopk::fill")) {
            return Role.FILL;
        }
        if (n.contains("computeBlockDigitCounts")) {
            return Role.DIGIT_COUNTS;
        }
        if (n.contains("computeDigitCumSum")) {
            return Role.DIGIT_CUMSUM;
        }
        if (n.contains("computeBlockwiseWithinKCounts")) {
            return Role.WITHIN_K_COUNTS;
        }
        if (n.contains("computeBlockwiseKthCounts")) {
            return Role.KTH_COUNTS;
        }
        if (n.contains("gatherTopK")) {
            return Role.GATHER;
        }
        return Role.NONE;
    }

    /**
     * Elements per thread of the {@code mbtopk} kernels ({@code get_items_per_thread}): enough to fill every SM
     * with {@code min(65,536 registers / (40 * 256), 32) = 6} blocks once, clamped to [4, 64].
     */
    static long itemsPerThread(long slices, long sliceSize, int sms) {
        long blocksPerSm = Math.min(65_536 / (40 * BLOCK_THREADS), 32);
        long items = GemmModel.ceilDiv(sliceSize * slices, sms * blocksPerSm * BLOCK_THREADS);
        return Math.max(4, Math.min(items, 64));
    }

    /** Blocks per row of the {@code mbtopk} kernels. */
    static long blocksPerSlice(long slices, long sliceSize, int sms) {
        return GemmModel.ceilDiv(sliceSize, itemsPerThread(slices, sliceSize, sms) * BLOCK_THREADS);
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw, Role role) {
        if (!RequestView.hasShapes(r)) {
            // Like every other kernel model: no prediction without the operator's shapes (a trace recorded
            // without record_shapes is reported once, with the kernels and time it leaves out).
            return Estimate.unsupported("no operand shapes");
        }
        double floor = hw.get(Param.REDUCTION_LAUNCH_FLOOR_US) * 1e-6;
        if (role == Role.FILL || role == Role.SCAN_INIT) {
            return Estimate.of(floor, "topk-bookkeeping", "latency");
        }
        Operand input = RequestView.operand(r, "input", "self");
        if (input == null) {
            for (Operand o : r.operands()) {
                if (RequestView.read(o) && !o.shape().isEmpty()) {
                    input = o;
                    break;
                }
            }
        }
        if (input == null || input.shape().isEmpty() || Double.isNaN(input.bytes())) {
            return Estimate.unsupported(RequestView.hasShapes(r) ? "topk: the input's type is unknown"
                    : "no operand shapes");
        }
        long sliceSize = Math.max(1, RequestView.dimFromEnd(input, 1));
        long slices = Math.max(1, RequestView.leading(input, 1));
        double rt = hw.get(Param.REDUCTION_ROUND_TRIP_US) * 1e-6;
        if (role == Role.SINGLE_BLOCK) {
            return singleBlock(r, hw, input, sliceSize, slices, floor, rt);
        }
        long perSlice = blocksPerSlice(slices, sliceSize, hw.smCount());
        long blocks = slices * perSlice;
        return switch (role) {
            case DIGIT_COUNTS -> MemoryModel.bandwidthBound(input.bytes() + blocks * HISTOGRAM_BYTES, hw,
                    Param.REDUCTION_MEMORY_EFFICIENCY, Param.REDUCTION_FIXED_LATENCY_US, "topk-radix-pass");
            case GATHER -> MemoryModel.bandwidthBound(input.bytes() + blocks * 12.0, hw,
                    Param.REDUCTION_MEMORY_EFFICIENCY, Param.REDUCTION_FIXED_LATENCY_US, "topk-gather");
            case WITHIN_K_COUNTS -> MemoryModel.bandwidthBound(blocks * (HISTOGRAM_BYTES + 8.0) + slices * 1024.0, hw,
                    Param.REDUCTION_MEMORY_EFFICIENCY, Param.REDUCTION_FIXED_LATENCY_US, "topk-bookkeeping");
            case BLOCK_SCAN -> MemoryModel.bandwidthBound(blocks * 8.0, hw,
                    Param.REDUCTION_MEMORY_EFFICIENCY, Param.REDUCTION_FIXED_LATENCY_US, "topk-bookkeeping");
            case DIGIT_CUMSUM -> serial(floor, GemmModel.ceilDiv(perSlice, CUMSUM_LOADS_IN_FLIGHT) * rt);
            case KTH_COUNTS -> {
                // Each iteration loads the row's wanted digit, then the count it selects: two round trips.
                long threads = launchedThreads(r);
                yield serial(floor, 2 * GemmModel.ceilDiv(blocks, threads) * rt);
            }
            default -> throw new IllegalArgumentException("not a topk kernel: " + r.kernelName());
        };
    }

    /** Bits of the key one radix pass of the single-block selection resolves ({@code RADIX_BITS}). */
    static final int SINGLE_BLOCK_RADIX_BITS = 2;
    /** Thread blocks one SM holds at most. */
    static final int BLOCKS_PER_SM = 32;

    /**
     * Dependent rounds of one block of {@code sbtopk::gatherTopK} over a row of {@code sliceSize} elements of
     * {@code elementBytes} each, with {@code threads} threads ({@code SortingRadixSelect.cuh}, {@code TensorTopK.cu}):
     * the radix selection makes one pass per 2-bit digit of the key (16 for 4-byte values), each a load of the row
     * ({@code ceil(sliceSize / threads)} rounds) and the exchange of the digit counts through shared memory (an atomic
     * add per warp between barriers, which every thread waits for: one round); the gather then walks the row twice
     * (values above the k-th, then equal to it), each step a load and a block-wide prefix scan (two rounds). The
     * selection stops early once the k-th value is alone in its digit, which depends on the data: the count is the
     * full one.
     */
    static long singleBlockRounds(long sliceSize, double elementBytes, long threads) {
        long steps = GemmModel.ceilDiv(sliceSize, Math.max(1, threads));
        long passes = Math.max(1, Math.round(elementBytes * 8) / SINGLE_BLOCK_RADIX_BITS);
        return passes * (steps + 1) + 2 * 2 * steps;
    }

    /**
     * PyTorch's single-block top-k ({@code sbtopk::gatherTopK}, used for short rows): one block of
     * {@code min(roundup(n, 32), 1024)} threads per row, a chain of {@link #singleBlockRounds} dependent rounds after
     * the launch floor, and the rows dealt to the SMs in waves (at most {@code 2,048 / threads} and 32 blocks per SM).
     * Its traffic (the row, read from the caches after the first pass) is far below what the chain takes.
     */
    private static Estimate singleBlock(SimulationRequest r, HardwareProfile hw, Operand input, long sliceSize, long slices,
                                        double floor, double rt) {
        long threads = r.launch().map(l -> l.block().volume()).filter(t -> t > 0)
                .orElse(Math.min(GemmModel.ceilDiv(sliceSize, 32) * 32, 1024));
        double elementBytes = input.bytes() / Math.max(1, input.elementCount());
        long rounds = singleBlockRounds(sliceSize, elementBytes, threads);
        long perSm = Math.max(1, Math.min(BLOCKS_PER_SM, MemoryModel.THREADS_PER_SM / threads));
        long waves = GemmModel.ceilDiv(slices, hw.smCount() * perSm);
        return Estimate.of(floor + waves * rounds * rt, "topk-single-block", "round-trips");
    }

    private static Estimate serial(double floor, double chain) {
        return Estimate.of(floor + chain, "topk-serial", floor > chain ? "latency" : "round-trips");
    }

    /** Threads the kernel was launched with; one block of 256 when the trace has no launch. */
    private static long launchedThreads(SimulationRequest r) {
        return r.launch().isEmpty() ? BLOCK_THREADS : Math.max(1, RequestView.launchedThreads(r));
    }
}
