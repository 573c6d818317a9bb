package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static io.flowsim.plugin.analytical.Requests.out;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PyTorch's batched cat kernels ({@code Shape.cu}): the generic one walks its tensors one element per thread per loop
 * iteration on a fixed grid of 2 x SMs blocks per tensor, the vectorized ones move 16 bytes per thread at the
 * vectorized elementwise bandwidth. Names, grids and shapes are those of the demo H200 traces.
 */
class CatKernelTest {

    private static final HardwareProfile H200 = Profiles.bundled("h200-sxm");
    private static final String GENERIC = "void at::native::(anonymous namespace)::CatArrayBatchedCopy<at::native::"
            + "(anonymous namespace)::OpaqueType<2u>, unsigned int, 4, 64, 64>(...)";
    private static final String VECTORIZED = "void at::native::(anonymous namespace)::CatArrayBatchedCopy_vectorized<at::"
            + "native::(anonymous namespace)::OpaqueType<2u>, unsigned int, 1, 128, 1, 16, 8>(...)";

    /** A cat of {@code tensors} tensors of {@code each} elements into {@code output}, as the resolver describes it. */
    private static SimulationRequest cat(String kernel, long tensors, long each, long[] output, long gridX, long gridY,
                                         long block) {
        List<Operand> operands = List.of(in("input", DataType.INT16, tensors * each),
                out("output", DataType.INT16, output));
        Optional<LaunchConfig> launch = gridX <= 0 ? Optional.empty()
                : Optional.of(new LaunchConfig(new Dim3(gridX, gridY, 1), new Dim3(block, 1, 1), 0, 0));
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.COPY, "cat",
                operands, launch, Optional.empty(), Optional.empty(),
                Map.of("list.tensors", Long.toString(tensors), "list.largest", Long.toString(each)));
    }

    private static double loop(long waves, long rounds) {
        return H200.get(Param.REDUCTION_LAUNCH_FLOOR_US) * 1e-6 + waves * rounds * H200.get(Param.COPY_CAT_ROUND_US) * 1e-6;
    }

    private static double bandwidth(Param efficiency, Param latency, double bytes) {
        return H200.get(latency) * 1e-6 + bytes / (H200.hbmBytesPerSecond() * H200.get(efficiency));
    }

    @Test
    void aLargeGenericCatIsBoundByItsLoopNotTheBandwidth() {
        // rotate_half of llama3-8b: two [4, 32, 1024, 64] bf16 halves, grid [264, 2] x 512: ceil(8,388,608 / 135,168) = 63
        long each = 4L * 32 * 1024 * 64;
        SimulationRequest r = cat(GENERIC, 2, each, new long[] {4, 32, 1024, 128}, 264, 2, 512);
        Estimate e = MemoryModel.estimate(r, H200);
        assertThat(e.seconds()).isCloseTo(loop(1, 63), Percentage.withPercentage(0.01));
        double bytes = 2.0 * 2 * 2 * each;
        assertThat(e.seconds()).isGreaterThan(bandwidth(Param.STRIDED_MEMORY_EFFICIENCY, Param.STRIDED_FIXED_LATENCY_US,
                bytes));
        // without a launch the grid is PyTorch's: 2 x SMs blocks of 512 threads per tensor, the same 63 rounds
        assertThat(MemoryModel.estimate(cat(GENERIC, 2, each, new long[] {4, 32, 1024, 128}, 0, 0, 0), H200).seconds())
                .isCloseTo(loop(1, 63), Percentage.withPercentage(0.01));
        // three tensors need 6 blocks of 512 threads per SM, more than the 2,048 threads it holds: two waves
        assertThat(MemoryModel.estimate(cat(GENERIC, 3, each, new long[] {4, 32, 1024, 192}, 264, 3, 512), H200)
                .seconds()).isCloseTo(loop(2, 63), Percentage.withPercentage(0.01));
    }

    @Test
    void aSmallGenericCatPaysTheStridedPatternsFixedLatency() {
        // a decode step's [4, 8, 1, 64] halves: one round, less than the strided pattern's t0
        SimulationRequest r = cat(GENERIC, 2, 4 * 8 * 64, new long[] {4, 8, 1, 128}, 264, 2, 512);
        assertThat(MemoryModel.estimate(r, H200).seconds()).isCloseTo(bandwidth(Param.STRIDED_MEMORY_EFFICIENCY,
                Param.STRIDED_FIXED_LATENCY_US, 2.0 * 2 * 2 * 4 * 8 * 64), Percentage.withPercentage(0.01));
    }

    @Test
    void vectorizedCatsMoveTheirBytesAtTheVectorizedBandwidth() {
        // qwen3: 30 rows of [1, 2048] bf16 along dimension 0, grid [4, 30] x 128
        SimulationRequest r = cat(VECTORIZED, 30, 2048, new long[] {30, 2048}, 4, 30, 128);
        assertThat(MemoryModel.estimate(r, H200).seconds()).isCloseTo(bandwidth(Param.VECTORIZED_MEMORY_EFFICIENCY,
                Param.VECTORIZED_FIXED_LATENCY_US, 2.0 * 30 * 2048 * 2), Percentage.withPercentage(0.01));
    }

    @Test
    void aKernelOfOneBatchOfALongListCopiesItsShare() {
        // a cat of 200 equal tensors launches a kernel per batch of 128; this one copies 72 of them
        SimulationRequest share = cat(VECTORIZED, 200, 4096, new long[] {200, 4096}, 8, 72, 128);
        assertThat(MemoryModel.estimate(share, H200).seconds()).isCloseTo(bandwidth(Param.VECTORIZED_MEMORY_EFFICIENCY,
                Param.VECTORIZED_FIXED_LATENCY_US, 2.0 * 72 * 4096 * 2), Percentage.withPercentage(0.01));
        // of tensors of different sizes, which ones it copies is not recorded
        SimulationRequest unequal = new SimulationRequest(VECTORIZED, KernelKind.KERNEL, KernelCategory.COMPUTE,
                OperationFamily.COPY, "cat", List.of(in("input", DataType.INT16, 300 * 4096),
                out("output", DataType.INT16, 300, 4096)),
                Optional.of(new LaunchConfig(new Dim3(8, 72, 1), new Dim3(128, 1, 1), 0, 0)), Optional.empty(),
                Optional.empty(), Map.of("list.tensors", "200", "list.largest", "8192"));
        Estimate e = MemoryModel.estimate(unequal, H200);
        assertThat(e.supported()).isFalse();
        assertThat(e.reason()).contains("copies 72 of its operator's 200 tensors");
    }

    @Test
    void unmappedListShapesAreUnsupportedWithTheResolversReason() {
        SimulationRequest r = new SimulationRequest(GENERIC, KernelKind.KERNEL, KernelCategory.COMPUTE,
                OperationFamily.COPY, "cat", List.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of("operands.problem", "the tensors do not concatenate along dimension 1"));
        Estimate e = MemoryModel.estimate(r, H200);
        assertThat(e.supported()).isFalse();
        assertThat(e.reason()).isEqualTo("the operator's shapes give no operands: the tensors do not concatenate "
                + "along dimension 1");
        SimulationRequest none = new SimulationRequest(GENERIC, KernelKind.KERNEL, KernelCategory.COMPUTE,
                OperationFamily.COPY, "cat", List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
        assertThat(MemoryModel.estimate(none, H200).reason()).isEqualTo("no operand shapes");
    }
}
