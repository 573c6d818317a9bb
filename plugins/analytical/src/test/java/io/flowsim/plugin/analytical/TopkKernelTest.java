package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Each kernel of PyTorch's multi-block {@code topk} priced by its own traffic, and the one-block chain of
 * PyTorch's {@code reduce_kernel}. Kernel names, grids and the {@code [4, 128256]} fp32 input are those the
 * demo llama3-8b H200 trace records for its sampling {@code topk} (demo/traces); the {@code [32768]} int64
 * reduction is the demo qwen3-30b-a3b trace's {@code aten::min} over its routed expert ids.
 */
class TopkKernelTest {

    private static final HardwareProfile H200 = Profiles.bundled("h200-sxm");

    private static final String FILL = "void at::native::mbtopk::fill<unsigned int, unsigned int>(unsigned int*, unsigned int, unsigned int)";
    private static final String COUNTS = "void at::native::mbtopk::computeBlockDigitCounts<float, unsigned int, unsigned int, 2>(...)";
    private static final String CUMSUM = "at::native::mbtopk::computeDigitCumSum(short*, unsigned int*, unsigned int)";
    private static final String WITHIN = "void at::native::mbtopk::computeBlockwiseWithinKCounts<unsigned int, float>(...)";
    private static final String KTH = "void at::native::mbtopk::computeBlockwiseKthCounts<unsigned int>(...)";
    private static final String SCAN_INIT = "void at_cuda_detail::cub::detail::scan_by_key::DeviceScanByKeyInitKernel<...>(...)";
    private static final String SCAN = "void at_cuda_detail::cub::detail::scan_by_key::DeviceScanByKeyKernel<...>(...)";
    private static final String GATHER = "void at::native::mbtopk::gatherTopK<float, unsigned int, 2>(...)";
    private static final String SINGLE_BLOCK = "void at::native::sbtopk::gatherTopK<float, unsigned int, 2, false>(...)";

    private static SimulationRequest topk(String kernel, long rows, long width, long gridX, long blockX) {
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.REDUCTION,
                "topk", List.of(in("input", DataType.FP32, rows, width)),
                Optional.of(new LaunchConfig(new Dim3(gridX, 1, 1), new Dim3(blockX, 1, 1), 0, 0)),
                Optional.empty(), Optional.empty(), Map.of());
    }

    private static double us(Param p) {
        return H200.get(p) * 1e-6;
    }

    @Test
    void rolesComeFromTheKernelName() {
        assertThat(TopkKernel.role(topk(FILL, 4, 128256, 1, 512))).isEqualTo(TopkKernel.Role.FILL);
        assertThat(TopkKernel.role(topk(COUNTS, 4, 128256, 504, 256))).isEqualTo(TopkKernel.Role.DIGIT_COUNTS);
        assertThat(TopkKernel.role(topk(CUMSUM, 4, 128256, 4, 256))).isEqualTo(TopkKernel.Role.DIGIT_CUMSUM);
        assertThat(TopkKernel.role(topk(WITHIN, 4, 128256, 504, 256))).isEqualTo(TopkKernel.Role.WITHIN_K_COUNTS);
        assertThat(TopkKernel.role(topk(KTH, 4, 128256, 1, 256))).isEqualTo(TopkKernel.Role.KTH_COUNTS);
        assertThat(TopkKernel.role(topk(SCAN_INIT, 4, 128256, 1, 128))).isEqualTo(TopkKernel.Role.SCAN_INIT);
        assertThat(TopkKernel.role(topk(SCAN, 4, 128256, 1, 288))).isEqualTo(TopkKernel.Role.BLOCK_SCAN);
        assertThat(TopkKernel.role(topk(GATHER, 4, 128256, 504, 256))).isEqualTo(TopkKernel.Role.GATHER);
        assertThat(TopkKernel.role(topk(SINGLE_BLOCK, 4, 128, 4, 128))).isEqualTo(TopkKernel.Role.SINGLE_BLOCK);
        assertThat(TopkKernel.role(topk("void at::native::reduce_kernel<512, 1>(...)", 4, 128, 1, 128)))
                .isEqualTo(TopkKernel.Role.NONE);
    }

    @Test
    void singleBlockTopkMakesSixteenRadixPassesOverFp32AndTwoGatherWalks() {
        // [4, 128] fp32 with 128 threads (the demo qwen3-30b-a3b router): one element per thread, 16 passes of a load
        // and a count exchange, then two gather steps of a load and a prefix scan.
        assertThat(TopkKernel.singleBlockRounds(128, 4, 128)).isEqualTo(16 * 2 + 4);
        // 16-bit keys take 8 passes; a row four times the block takes four loads per pass and per gather walk.
        assertThat(TopkKernel.singleBlockRounds(128, 2, 128)).isEqualTo(8 * 2 + 4);
        assertThat(TopkKernel.singleBlockRounds(4096, 4, 1024)).isEqualTo(16 * 5 + 2 * 2 * 4);
        Estimate e = MemoryModel.estimate(topk(SINGLE_BLOCK, 4, 128, 4, 128), H200);
        assertThat(e.model()).isEqualTo("topk-single-block");
        assertThat(e.seconds()).isCloseTo(us(Param.REDUCTION_LAUNCH_FLOOR_US) + 36 * us(Param.REDUCTION_ROUND_TRIP_US),
                Percentage.withPercentage(0.01));
    }

    @Test
    void singleBlockTopkOverManyRowsRunsInWavesOfSixteenBlocksPerSm() {
        // 4,096 rows of 128 threads: 2,048 threads per SM hold 16 blocks, so 132 SMs take the rows in two waves.
        Estimate one = MemoryModel.estimate(topk(SINGLE_BLOCK, 132 * 16, 128, 132 * 16, 128), H200);
        Estimate two = MemoryModel.estimate(topk(SINGLE_BLOCK, 4096, 128, 4096, 128), H200);
        double floor = us(Param.REDUCTION_LAUNCH_FLOOR_US);
        assertThat(two.seconds() - floor).isCloseTo(2 * (one.seconds() - floor), Percentage.withPercentage(0.01));
        assertThat(one.seconds()).isEqualTo(MemoryModel.estimate(topk(SINGLE_BLOCK, 4, 128, 4, 128), H200).seconds());
    }

    @Test
    void blockGeometryFromTheSourceReproducesTheRecordedGrid() {
        // The trace records computeBlockDigitCounts with 504 blocks: 4 rows of 126 blocks of 4 * 256 elements.
        assertThat(TopkKernel.itemsPerThread(4, 128256, 132)).isEqualTo(4);
        assertThat(TopkKernel.blocksPerSlice(4, 128256, 132)).isEqualTo(126);
        // A large input fills the SMs with more items per thread, up to 64.
        assertThat(TopkKernel.itemsPerThread(1, 132L * 6 * 256 * 10, 132)).isEqualTo(10);
        assertThat(TopkKernel.itemsPerThread(64, 1_000_000, 132)).isEqualTo(64);
    }

    @Test
    void bookkeepingKernelsTakeTheLaunchFloorWhateverTheInput() {
        Estimate small = MemoryModel.estimate(topk(FILL, 4, 128256, 1, 512), H200);
        Estimate big = MemoryModel.estimate(topk(SCAN_INIT, 64, 1_000_000, 1, 128), H200);
        assertThat(small.seconds()).isEqualTo(us(Param.REDUCTION_LAUNCH_FLOOR_US));
        assertThat(big.seconds()).isEqualTo(us(Param.REDUCTION_LAUNCH_FLOOR_US));
        assertThat(small.bound()).isEqualTo("latency");
        // Before per-kernel traffic, a fill carried the operator's 2 MB at the family's fixed latency.
        assertThat(small.seconds()).isLessThan(us(Param.REDUCTION_FIXED_LATENCY_US));
    }

    @Test
    void onlyTheRadixPassesAndTheGatherReadTheInput() {
        double input = 4 * 128256 * 4.0;
        double histograms = 504 * 512.0;
        double bandwidth = H200.hbmBytesPerSecond() * H200.get(Param.REDUCTION_MEMORY_EFFICIENCY);
        Estimate counts = MemoryModel.estimate(topk(COUNTS, 4, 128256, 504, 256), H200);
        double expected = us(Param.REDUCTION_FIXED_LATENCY_US) + (input + histograms) / bandwidth;
        assertThat(counts.seconds()).isCloseTo(expected, within(expected * 1e-9));
        Estimate gather = MemoryModel.estimate(topk(GATHER, 4, 128256, 504, 256), H200);
        assertThat(gather.seconds()).isGreaterThan(us(Param.REDUCTION_FIXED_LATENCY_US) + input / bandwidth);
        Estimate within = MemoryModel.estimate(topk(WITHIN, 4, 128256, 504, 256), H200);
        assertThat(within.seconds()).isLessThan(us(Param.REDUCTION_FIXED_LATENCY_US) + input / bandwidth);
    }

    @Test
    void cumulativeSumIsAChainOfRoundTripsThatGrowsWithTheBlocksPerRow() {
        Estimate e = MemoryModel.estimate(topk(CUMSUM, 4, 128256, 4, 256), H200);
        // 126 blocks per row, 4 counts loaded per step: 32 dependent steps.
        double expected = us(Param.REDUCTION_LAUNCH_FLOOR_US) + 32 * us(Param.REDUCTION_ROUND_TRIP_US);
        assertThat(e.seconds()).isCloseTo(expected, within(expected * 1e-9));
        assertThat(e.model()).isEqualTo("topk-serial");
        // A row four times as wide has four times the blocks per row (items per thread stay at 4 here).
        Estimate wide = MemoryModel.estimate(topk(CUMSUM, 1, 4 * 128256, 1, 256), H200);
        assertThat(TopkKernel.blocksPerSlice(1, 4 * 128256, 132)).isEqualTo(501);
        assertThat(wide.seconds()).isGreaterThan(e.seconds() * 3);
    }

    @Test
    void kthCountsLoopsOverTheBlocksWithTwoDependentLoadsEach() {
        Estimate e = MemoryModel.estimate(topk(KTH, 4, 128256, 1, 256), H200);
        // 504 blocks over 256 threads: 2 iterations of 2 dependent loads.
        double expected = us(Param.REDUCTION_LAUNCH_FLOOR_US) + 4 * us(Param.REDUCTION_ROUND_TRIP_US);
        assertThat(e.seconds()).isCloseTo(expected, within(expected * 1e-9));
    }

    @Test
    void topkWithoutShapesIsUnsupported() {
        SimulationRequest r = new SimulationRequest(COUNTS, KernelKind.KERNEL, KernelCategory.COMPUTE,
                OperationFamily.REDUCTION, "topk", List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of());
        assertThat(MemoryModel.estimate(r, H200).supported()).isFalse();
        SimulationRequest init = new SimulationRequest(SCAN_INIT, KernelKind.KERNEL, KernelCategory.COMPUTE,
                OperationFamily.REDUCTION, "cumsum", List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of());
        assertThat(MemoryModel.estimate(init, H200).reason()).isEqualTo("no operand shapes");
    }

    private static SimulationRequest reduce(long elements, long blocks, long threads) {
        return new SimulationRequest("void at::native::reduce_kernel<512, 1, at::native::ReduceOp<long,"
                + " at::native::func_wrapper_t<long, at::native::MinNanFunctor<long> >, unsigned int, long, 4, 4> >(...)",
                KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.REDUCTION, "min",
                List.of(in("input", DataType.INT64, elements)),
                Optional.of(new LaunchConfig(new Dim3(blocks, 1, 1), new Dim3(threads, 1, 1), 0, 0)),
                Optional.empty(), Optional.empty(), Map.of());
    }

    @Test
    void oneBlockReductionIsBoundByItsChainOfLoads() {
        // 32,768 elements, 512 threads with 4 elements each in flight: 16 rounds, the first inside t0.
        Estimate e = MemoryModel.estimate(reduce(32768, 1, 512), H200);
        double expected = us(Param.REDUCTION_FIXED_LATENCY_US) + 15 * us(Param.REDUCTION_ROUND_TRIP_US);
        assertThat(e.seconds()).isCloseTo(expected, within(expected * 1e-9));
        assertThat(e.model()).isEqualTo("reduction-small-grid");
        // A few elements take one round: the family's fixed latency and their bytes, as before.
        Estimate tiny = MemoryModel.estimate(reduce(32, 1, 32), H200);
        assertThat(tiny.model()).isEqualTo("reduction");
        // The same input over a full grid is bandwidth-bound.
        Estimate spread = MemoryModel.estimate(reduce(32768, 132, 512), H200);
        assertThat(spread.model()).isEqualTo("reduction");
        assertThat(spread.seconds()).isLessThan(e.seconds());
    }
}
