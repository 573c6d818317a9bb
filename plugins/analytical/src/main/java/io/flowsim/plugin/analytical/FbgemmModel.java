package io.flowsim.plugin.analytical;

import io.flowsim.api.model.FbgemmTraffic;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

/**
 * fbgemm_gpu's quantizers and sparse-feature permutes, whose traffic the generic operand count gets wrong: the trace
 * records only their inputs, and their outputs have another element type (a quantizer) or another length (a
 * permute). Each is priced as the bytes its kernel reads and writes ({@link FbgemmTraffic}, the API's count, which
 * the efficiency columns show too) at the achievable HBM bandwidth of its family ({@link MemoryModel#bandwidthBound}),
 * with the profile's existing efficiencies; nothing here is fitted. Selected by the op mapping the kernel database
 * gives the kernel ({@link FbgemmTraffic#OP_MAPPINGS}). The index copies of the permutes also wait on a chain of
 * dependent loads per segment ({@link #segmentChain}), priced from the profile's DRAM latency. Stateless and
 * thread-safe.
 */
final class FbgemmModel {

    private FbgemmModel() {
    }

    static boolean applies(SimulationRequest r) {
        return FbgemmTraffic.OP_MAPPINGS.contains(r.opMapping());
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        if (!RequestView.hasShapes(r)) {
            return Estimate.unsupported("no operand shapes");
        }
        FbgemmTraffic traffic = FbgemmTraffic.of(r.opMapping(), r.kernelName(), r.operands()).orElseThrow();
        if (!traffic.known()) {
            return Estimate.unsupported(traffic.problem());
        }
        double bytes = traffic.bytes();
        String model = "fbgemm-" + r.opMapping().replace('_', '-');
        boolean copy = r.family() == OperationFamily.COPY;
        if (r.opMapping().equals(FbgemmTraffic.PERMUTE_SPARSE_INDICES)) {
            Estimate bandwidth = MemoryModel.bandwidthBound(bytes, hw,
                    copy ? Param.COPY_MEMORY_EFFICIENCY : Param.ELEMENTWISE_MEMORY_EFFICIENCY,
                    copy ? Param.COPY_FIXED_LATENCY_US : Param.ELEMENTWISE_FIXED_LATENCY_US, model);
            double chain = segmentChain(r, hw);
            return chain > 0
                    ? Estimate.of(bandwidth.seconds() + chain, model, chain > bandwidth.seconds() ? "latency" : "memory")
                    : bandwidth;
        }
        if (r.opMapping().equals(FbgemmTraffic.PERMUTE_SPARSE_LENGTHS)) {
            return MemoryModel.bandwidthBound(bytes, hw,
                    copy ? Param.COPY_MEMORY_EFFICIENCY : Param.ELEMENTWISE_MEMORY_EFFICIENCY,
                    copy ? Param.COPY_FIXED_LATENCY_US : Param.ELEMENTWISE_FIXED_LATENCY_US, model);
        }
        if (r.family() == OperationFamily.REDUCTION) {
            // the scale pass is a max-reduction of each row
            return MemoryModel.bandwidthBound(bytes, hw, Param.REDUCTION_MEMORY_EFFICIENCY,
                    Param.REDUCTION_FIXED_LATENCY_US, model);
        }
        return MemoryModel.vectorized(r)
                ? MemoryModel.bandwidthBound(bytes, hw, Param.VECTORIZED_MEMORY_EFFICIENCY,
                        Param.VECTORIZED_FIXED_LATENCY_US, model)
                : MemoryModel.bandwidthBound(bytes, hw, Param.ELEMENTWISE_MEMORY_EFFICIENCY,
                        Param.ELEMENTWISE_FIXED_LATENCY_US, model);
    }

    /** Threads of one warp; the permutes give each (feature, sample) segment one warp of the block's x lanes. */
    static final int WARP_THREADS = 32;

    /** The register file of one SM (64 K 32-bit registers on every GPU from Volta to Blackwell). */
    static final long REGISTERS_PER_SM = 65_536;

    /**
     * The seconds the warps of a sparse-feature permute's index copy ({@code permute_2D_data_kernel},
     * {@code permute_indices_weights_kernel}, fbgemm_gpu {@code sparse_permute_2d.cu}) spend waiting on loads that
     * depend on each other; 0 when the profile gives no DRAM latency or the launch or operands are not recorded.
     * Each warp walks its segments ({@code segments = T' x B}, one per warp at the launch fbgemm makes) and per segment
     * waits for {@code output_offsets} (with {@code permute[t]} beside it), then for {@code input_offsets} at the
     * permuted row, then for each round of 32 indices it copies; an empty segment stops after the first. At most
     * {@code N} of the segments hold an index, so {@code rounds = 1 + min(1, N / segments) x (1 + ceil(N / min(N,
     * segments) / 32))}. The warps of a wave start together and their blocks retire together, so a wave's chain and
     * the transfer of its bytes follow one another (the per-round form of latency plus size over bandwidth): the
     * chain is added to the bandwidth time, {@code waves x segments per warp x rounds x dram_latency}, where a wave
     * is the warps the SMs hold at once: {@code 2,048} threads each, fewer where the launch records more registers a
     * thread than {@code 65,536} registers hold (the HTA traces record 16, which leave the thread count the limit).
     */
    static double segmentChain(SimulationRequest r, HardwareProfile hw) {
        if (hw.dramLatencyNs() <= 0 || r.launch().isEmpty()) {
            return 0;
        }
        Operand permute = RequestView.operand(r, "permute");
        Operand lengths = RequestView.operand(r, "lengths");
        Operand indices = RequestView.operand(r, "indices");
        if (permute == null || lengths == null || indices == null || lengths.shape().size() != 2) {
            return 0;
        }
        LaunchConfig launch = r.launch().get();
        long blockThreads = launch.block().volume();
        long warps = launch.grid().volume() * GemmModel.ceilDiv(blockThreads, WARP_THREADS);
        long segments = permute.elementCount() * lengths.shape().get(1);
        if (blockThreads <= 0 || blockThreads > MemoryModel.THREADS_PER_SM || warps <= 0 || segments <= 0) {
            return 0;
        }
        long blocksPerSm = MemoryModel.THREADS_PER_SM / blockThreads;
        if (launch.registersPerThread() > 0) {
            blocksPerSm = Math.min(blocksPerSm, REGISTERS_PER_SM / (launch.registersPerThread() * blockThreads));
        }
        if (blocksPerSm <= 0) {
            return 0;
        }
        long residentWarps = hw.smCount() * blocksPerSm * GemmModel.ceilDiv(blockThreads, WARP_THREADS);
        long waves = GemmModel.ceilDiv(warps, residentWarps);
        long segmentsPerWarp = GemmModel.ceilDiv(segments, warps);
        long n = indices.elementCount();
        long filled = Math.min(n, segments);
        double rounds = 1;
        if (filled > 0) {
            rounds += (double) filled / segments * (1 + GemmModel.ceilDiv(GemmModel.ceilDiv(n, filled), WARP_THREADS));
        }
        return waves * segmentsPerWarp * rounds * hw.dramLatencyNs() * 1e-9;
    }
}
