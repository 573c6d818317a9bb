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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kernels that give each row to a warp or a block: PyTorch's warp softmax (the {@code [4, 50]} and {@code [4096, 128]}
 * fp32 softmaxes of the demo llama3-8b and qwen3-30b-a3b H200 traces) and normalizations whose block width comes
 * from the launch (flashinfer's {@code RMSNormKernel} over 7,168 columns with 32 x 28 threads, as the FlowSim H200
 * trace records it, against PyTorch's {@code vectorized_layer_norm_kernel} with 32 x 4).
 */
class RowKernelTest {

    private static final HardwareProfile H200 = Profiles.bundled("h200-sxm");
    private static final String SOFTMAX =
            "void (anonymous namespace)::softmax_warp_forward<float, float, float, 6, false, false>(float*, float const*, int, int, int, bool const*, int, bool)";
    private static final String RMS_NORM =
            "void flashinfer::norm::RMSNormKernel<8u, __nv_bfloat16>(__nv_bfloat16*, __nv_bfloat16*, __nv_bfloat16*, unsigned int, unsigned int, float, float)";

    private static SimulationRequest request(String kernel, OperationFamily family, List<Operand> operands, long gridX,
                                             long blockX, long blockY) {
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE, family, "", operands,
                Optional.of(new LaunchConfig(new Dim3(gridX, 1, 1), new Dim3(blockX, blockY, 1), 0, 0)),
                Optional.empty(), Optional.empty(), Map.of());
    }

    private static double us(Param p) {
        return H200.get(p) * 1e-6;
    }

    @Test
    void aWarpSoftmaxPaysItsOwnLatencyAndWritesWhatItReads() {
        SimulationRequest small = request(SOFTMAX, OperationFamily.REDUCTION, List.of(in("self", DataType.FP32, 4, 50)), 1, 32, 4);
        Estimate e = KernelModel.estimate(small, H200);
        assertThat(e.model()).isEqualTo("warp-softmax");
        double bandwidth = H200.hbmBytesPerSecond() * H200.get(Param.REDUCTION_MEMORY_EFFICIENCY);
        double perElement = H200.get(Param.NORM_ROW_NS_PER_ELEMENT) * 128 * 1e-9;
        // Two rows per warp, padded to 64: 4 elements per thread, far longer than the 1.6 KB of traffic.
        assertThat(4 * perElement).isGreaterThan(2 * 4 * 50 * 4 / bandwidth);
        assertThat(e.seconds()).isCloseTo(us(Param.REDUCTION_WARP_SOFTMAX_LATENCY_US) + 4 * perElement,
                Percentage.withPercentage(0.01));
        assertThat(us(Param.REDUCTION_WARP_SOFTMAX_LATENCY_US)).as("no block-wide reduction: below reduce_kernel's t0")
                .isLessThan(us(Param.REDUCTION_FIXED_LATENCY_US));
        // Many rows: the read and the write of every row at the reduction's bandwidth, longer than the walk.
        SimulationRequest big = request(SOFTMAX, OperationFamily.REDUCTION, List.of(in("self", DataType.FP32, 4096, 128)),
                512, 32, 4);
        assertThat(KernelModel.estimate(big, H200).seconds()).isCloseTo(
                us(Param.REDUCTION_WARP_SOFTMAX_LATENCY_US) + 2.0 * 4096 * 128 * 4 / bandwidth, Percentage.withPercentage(0.01));
        assertThat(KernelModel.fitGroup(big, KernelModel.estimate(big, H200))).isEqualTo(Param.FitGroup.REDUCTION);
    }

    @Test
    void aWarpSoftmaxThreadWalksItsElementsOfThePaddedRows() {
        assertThat(MemoryModel.warpSoftmaxElementsPerThread(20)).as("padded to 32, one lane per element, 2 rows").isEqualTo(2);
        assertThat(MemoryModel.warpSoftmaxElementsPerThread(50)).isEqualTo(4);
        assertThat(MemoryModel.warpSoftmaxElementsPerThread(128)).isEqualTo(8);
        assertThat(MemoryModel.warpSoftmaxElementsPerThread(129)).as("one row per warp from 256 on").isEqualTo(8);
        assertThat(MemoryModel.warpSoftmaxElementsPerThread(1024)).isEqualTo(32);
        // The qwen3 router's [4, 128] softmax: twice the elements per thread of llama3's [4, 50], same traffic scale.
        double perElement = H200.get(Param.NORM_ROW_NS_PER_ELEMENT) * 128 * 1e-9;
        SimulationRequest narrow = request(SOFTMAX, OperationFamily.REDUCTION, List.of(in("self", DataType.FP32, 4, 50)), 1, 32, 4);
        SimulationRequest wide = request(SOFTMAX.replace(", 6, ", ", 7, "), OperationFamily.REDUCTION,
                List.of(in("self", DataType.FP32, 4, 128)), 1, 32, 4);
        assertThat(KernelModel.estimate(wide, H200).seconds() - KernelModel.estimate(narrow, H200).seconds())
                .isCloseTo(4 * perElement, Percentage.withPercentage(0.01));
        // Without the norm's per-row cost a profile keeps latency plus traffic.
        HardwareProfile h100 = Profiles.bundled("h100-sxm");
        assertThat(h100.get(Param.NORM_ROW_NS_PER_ELEMENT)).isZero();
        double h100Bandwidth = h100.hbmBytesPerSecond() * h100.get(Param.REDUCTION_MEMORY_EFFICIENCY);
        assertThat(KernelModel.estimate(wide, h100).seconds()).isCloseTo(h100.get(Param.REDUCTION_WARP_SOFTMAX_LATENCY_US) * 1e-6
                + 2.0 * 4 * 128 * 4 / h100Bandwidth, Percentage.withPercentage(0.01));
    }

    @Test
    void aProfileWithoutTheWarpSoftmaxLatencyKeepsTheReductionPrior() {
        HardwareProfile h100 = Profiles.bundled("h100-sxm");
        assertThat(h100.get(Param.REDUCTION_WARP_SOFTMAX_LATENCY_US)).isEqualTo(Param.REDUCTION_FIXED_LATENCY_US.fallback());
    }

    @Test
    void aNormRowTakesItsElementsPerThreadOfTheLaunchedBlock() {
        List<Operand> operands = List.of(in("input", DataType.BF16, 32, 7168), in("weight", DataType.BF16, 7168));
        SimulationRequest wide = request(RMS_NORM, OperationFamily.NORM, operands, 32, 32, 28);
        SimulationRequest narrow = request(RMS_NORM, OperationFamily.NORM, operands, 32, 32, 4);
        double fixed = us(Param.NORM_FIXED_LATENCY_US);
        double perElement = H200.get(Param.NORM_ROW_NS_PER_ELEMENT) * 1e-9;
        // 32 rows are one wave either way; 896 threads walk a row in 8 elements each, 128 threads in 56.
        assertThat(KernelModel.estimate(wide, H200).seconds()).isCloseTo(
                fixed + us(Param.NORM_ROW_LATENCY_US) + 7168.0 * 128 / 896 * perElement, Percentage.withPercentage(0.01));
        assertThat(KernelModel.estimate(narrow, H200).seconds()).isCloseTo(
                fixed + us(Param.NORM_ROW_LATENCY_US) + 7168 * perElement, Percentage.withPercentage(0.01));
    }

    @Test
    void wideBlocksHoldFewerRowsPerSm() {
        // 8,192 rows of 512: 64-thread blocks keep the fitted rows per SM; 896-thread blocks fit twice per SM.
        List<Operand> operands = List.of(in("input", DataType.BF16, 8192, 512), in("weight", DataType.BF16, 512));
        double rowsPerSm = H200.get(Param.NORM_ROWS_PER_SM);
        assertThat(rowsPerSm).isGreaterThan(2).isLessThan(2048.0 / 64);
        SimulationRequest narrow = request(RMS_NORM, OperationFamily.NORM, operands, 8192, 32, 2);
        SimulationRequest wide = request(RMS_NORM, OperationFamily.NORM, operands, 8192, 32, 28);
        double perElement = H200.get(Param.NORM_ROW_NS_PER_ELEMENT) * 1e-9;
        double narrowRow = us(Param.NORM_ROW_LATENCY_US) + 512.0 * 128 / 64 * perElement;
        double wideRow = us(Param.NORM_ROW_LATENCY_US) + 512.0 * 128 / 896 * perElement;
        double narrowWaves = Math.ceil(8192 / (H200.smCount() * rowsPerSm));
        double wideWaves = Math.ceil(8192.0 / (H200.smCount() * 2));
        double bytes = 2.0 * 8192 * 512 * 2 + 512 * 2;
        double body = bytes / (H200.hbmBytesPerSecond() * H200.get(Param.NORM_MEMORY_EFFICIENCY));
        assertThat(narrowWaves * narrowRow).as("row-bound").isGreaterThan(body);
        assertThat(KernelModel.estimate(narrow, H200).seconds()).isCloseTo(us(Param.NORM_FIXED_LATENCY_US) + narrowWaves * narrowRow,
                Percentage.withPercentage(0.01));
        assertThat(KernelModel.estimate(wide, H200).seconds()).isCloseTo(us(Param.NORM_FIXED_LATENCY_US)
                + Math.max(body, wideWaves * wideRow), Percentage.withPercentage(0.01));
    }

    @Test
    void flashinfersRmsNormReadsItsRowTwiceItsFusedSiblingOnce() {
        long rows = 8192;
        long width = 7168;
        List<Operand> operands = List.of(in("input", DataType.BF16, rows, width), Requests.out("output", DataType.BF16, rows, width),
                in("weight", DataType.BF16, width));
        SimulationRequest twoPass = request(RMS_NORM, OperationFamily.NORM, operands, rows, 32, 28);
        SimulationRequest fused = request(
                "void flashinfer::norm::FusedAddRMSNormKernel<8u, __nv_bfloat16>(__nv_bfloat16*, __nv_bfloat16*, __nv_bfloat16*, unsigned int, unsigned int, unsigned int, float, float)",
                OperationFamily.NORM, operands, rows, 32, 28);
        assertThat(MemoryModel.twoPassNorm(twoPass)).isTrue();
        assertThat(MemoryModel.twoPassNorm(fused)).isFalse();
        double bandwidth = H200.hbmBytesPerSecond() * H200.get(Param.NORM_MEMORY_EFFICIENCY);
        double row = 2.0 * rows * width;
        double weight = 2.0 * width;
        // Bandwidth-bound at this size: the extra read of the input is the whole difference.
        assertThat(KernelModel.estimate(fused, H200).seconds()).isCloseTo(
                us(Param.NORM_FIXED_LATENCY_US) + (2 * row + weight) / bandwidth, Percentage.withPercentage(0.01));
        assertThat(KernelModel.estimate(twoPass, H200).seconds()).isCloseTo(
                us(Param.NORM_FIXED_LATENCY_US) + (3 * row + weight) / bandwidth, Percentage.withPercentage(0.01));
    }
}
