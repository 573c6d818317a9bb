package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.FbgemmTraffic;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * fbgemm_gpu's quantizers and sparse-feature permutes ({@link FbgemmModel}): the bytes each kernel reads and writes,
 * from fbgemm_gpu's source, at the profile's existing memory efficiencies. The shapes are those the HTA sampled
 * training traces record for these operators, written here by hand; the expected values are computed from the
 * kernels' traffic, not from the model.
 */
class FbgemmModelTest {

    private static final HardwareProfile A100 = Profiles.bundled("a100-sxm-80gb");

    private static SimulationRequest request(String kernelName, OperationFamily family, String opMapping,
                                             Operand... operands) {
        return new SimulationRequest(kernelName, KernelKind.KERNEL, KernelCategory.COMPUTE, family, opMapping,
                List.of(operands), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    private static double seconds(double bytes, Param efficiency, Param latency) {
        return A100.get(latency) * 1e-6 + bytes / (A100.hbmBytesPerSecond() * A100.get(efficiency));
    }

    @Test
    void hfp8ConversionsMoveOneByteAndOneFloatPerElementEitherWay() {
        long n = 419_430_400L;
        Estimate quantize = KernelModel.estimate(request("void at::native::vectorized_elementwise_kernel<4,"
                + " fbgemm_gpu::_float_to_hfp8_gpu(at::Tensor const&, int, int, double)::{lambda(float)#1}>",
                OperationFamily.ELEMENTWISE, FbgemmTraffic.HFP8_QUANTIZE, in("input", DataType.FP32, n)), A100);
        Estimate dequantize = KernelModel.estimate(request("void at::native::vectorized_elementwise_kernel<4,"
                + " fbgemm_gpu::_hfp8_to_float_gpu(at::Tensor const&, int, int)::{lambda(unsigned char)#1}>",
                OperationFamily.ELEMENTWISE, FbgemmTraffic.HFP8_DEQUANTIZE, in("input", DataType.UINT8, n)), A100);
        double expected = seconds(5.0 * n, Param.VECTORIZED_MEMORY_EFFICIENCY, Param.VECTORIZED_FIXED_LATENCY_US);
        assertThat(quantize.seconds()).isCloseTo(expected, within(expected * 1e-9));
        assertThat(dequantize.seconds()).isCloseTo(expected, within(expected * 1e-9));
        assertThat(quantize.model()).isEqualTo("fbgemm-hfp8-quantize");
        assertThat(quantize.bound()).isEqualTo("memory");
    }

    @Test
    void fp8RowwiseQuantizationReadsTheRowsTwiceAndWritesBytesWithEightBytesOfScalePerRow() {
        long rows = 1_492_704L;
        long cols = 256;
        Operand input = in("input", DataType.FP32, rows, cols);
        Estimate qparams = KernelModel.estimate(request("void fbgemm_gpu::(anonymous namespace)::"
                + "_get_FP8_qparam_cuda_kernel<float>(float const*, int, int, unsigned char*, bool)",
                OperationFamily.REDUCTION, FbgemmTraffic.FP8_ROWWISE_QPARAMS, input), A100);
        Estimate quantize = KernelModel.estimate(request("void fbgemm_gpu::(anonymous namespace)::"
                + "_compute_FP8_quantize_cuda_kernel<float>(float const*, int, int, unsigned char*, bool)",
                OperationFamily.ELEMENTWISE, FbgemmTraffic.FP8_ROWWISE_QUANTIZE, input), A100);
        double qparamsBytes = rows * cols * 4.0 + rows * 8.0;
        double quantizeBytes = rows * cols * 4.0 + rows * cols + rows * 4.0;
        double e1 = seconds(qparamsBytes, Param.REDUCTION_MEMORY_EFFICIENCY, Param.REDUCTION_FIXED_LATENCY_US);
        double e2 = seconds(quantizeBytes, Param.ELEMENTWISE_MEMORY_EFFICIENCY, Param.ELEMENTWISE_FIXED_LATENCY_US);
        assertThat(qparams.seconds()).isCloseTo(e1, within(e1 * 1e-9));
        assertThat(quantize.seconds()).isCloseTo(e2, within(e2 * 1e-9));
    }

    @Test
    void fp8RowwiseDequantizationWritesTheTypeItsKernelNamesWithoutTheScaleBytes() {
        long rows = 1_638_400L;
        Operand input = in("input", DataType.UINT8, rows, 264);
        Estimate toFloat = KernelModel.estimate(request("void fbgemm_gpu::(anonymous namespace)::"
                + "_FP8rowwise_to_float_cuda_kernel<float>(unsigned char const*, int, int, float*, bool)",
                OperationFamily.ELEMENTWISE, FbgemmTraffic.FP8_ROWWISE_DEQUANTIZE, input), A100);
        double bytes = rows * 264.0 + rows * 256.0 * 4;
        double expected = seconds(bytes, Param.ELEMENTWISE_MEMORY_EFFICIENCY, Param.ELEMENTWISE_FIXED_LATENCY_US);
        assertThat(toFloat.seconds()).isCloseTo(expected, within(expected * 1e-9));

        Estimate toHalf = KernelModel.estimate(request("_FP8rowwise_to_float_cuda_kernel<__half>",
                OperationFamily.ELEMENTWISE, FbgemmTraffic.FP8_ROWWISE_DEQUANTIZE, input), A100);
        double halfBytes = rows * 264.0 + rows * 256.0 * 2;
        double half = seconds(halfBytes, Param.ELEMENTWISE_MEMORY_EFFICIENCY, Param.ELEMENTWISE_FIXED_LATENCY_US);
        assertThat(toHalf.seconds()).isCloseTo(half, within(half * 1e-9));

        Estimate unnamed = KernelModel.estimate(request("fp8_rowwise_dequantize", OperationFamily.ELEMENTWISE,
                FbgemmTraffic.FP8_ROWWISE_DEQUANTIZE, input), A100);
        assertThat(unnamed.supported()).isFalse();
        assertThat(unnamed.reason()).contains("no output type");
        Estimate onlyScale = KernelModel.estimate(request("_FP8rowwise_to_float_cuda_kernel<float>",
                OperationFamily.ELEMENTWISE, FbgemmTraffic.FP8_ROWWISE_DEQUANTIZE, in("input", DataType.UINT8, 4, 8)),
                A100);
        assertThat(onlyScale.reason()).contains("holds no values");
    }

    @Test
    void aPermutationCopiesEveryIndexOnceAndReadsTwoOffsetsPerSegment() {
        long features = 1280;
        long batch = 2048;
        long indices = 38_910_814L;
        SimulationRequest data = request("void fbgemm_gpu::permute_2D_data_kernel<false, int, int, decltype(nullptr)>",
                OperationFamily.COPY, FbgemmTraffic.PERMUTE_SPARSE_INDICES, in("permute", DataType.INT32, features),
                in("lengths", DataType.INT32, features, batch), in("indices", DataType.INT32, indices));
        double bytes = 2.0 * indices * 4 + 2.0 * (features * batch + 1) * 4 + features * 4.0;
        double expected = seconds(bytes, Param.COPY_MEMORY_EFFICIENCY, Param.COPY_FIXED_LATENCY_US);
        Estimate e = KernelModel.estimate(data, A100);
        assertThat(e.seconds()).isCloseTo(expected, within(expected * 1e-9));
        assertThat(e.model()).isEqualTo("fbgemm-permute-sparse-indices");

        SimulationRequest weighted = request("permute_2D_data_kernel<true, int, int, float>", OperationFamily.COPY,
                FbgemmTraffic.PERMUTE_SPARSE_INDICES, in("permute", DataType.INT32, features),
                in("lengths", DataType.INT32, features, batch), in("indices", DataType.INT32, indices),
                in("weights", DataType.FP32, indices));
        double withWeights = seconds(bytes + 2.0 * indices * 4, Param.COPY_MEMORY_EFFICIENCY,
                Param.COPY_FIXED_LATENCY_US);
        assertThat(KernelModel.estimate(weighted, A100).seconds()).isCloseTo(withWeights, within(withWeights * 1e-9));

        SimulationRequest lengths = request("void fbgemm_gpu::permute_2D_lengths_kernel<int>(int, int, int const*,"
                + " int const*, int*)", OperationFamily.COPY, FbgemmTraffic.PERMUTE_SPARSE_LENGTHS,
                in("permute", DataType.INT32, 1390), in("lengths", DataType.INT32, 1334, batch));
        double lengthBytes = 2.0 * 1390 * batch * 4 + 1390 * 4.0;
        double l = seconds(lengthBytes, Param.COPY_MEMORY_EFFICIENCY, Param.COPY_FIXED_LATENCY_US);
        assertThat(KernelModel.estimate(lengths, A100).seconds()).isCloseTo(l, within(l * 1e-9));
    }

    private static SimulationRequest launchedPermute(long features, long batch, long indices, long blocks,
                                                     int registers) {
        return new SimulationRequest("void fbgemm_gpu::permute_2D_data_kernel<false, int, int, decltype(nullptr)>",
                KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.COPY, FbgemmTraffic.PERMUTE_SPARSE_INDICES,
                List.of(in("permute", DataType.INT32, features), in("lengths", DataType.INT32, features, batch),
                        in("indices", DataType.INT32, indices)),
                Optional.of(new LaunchConfig(new Dim3(blocks, 1, 1), new Dim3(32, 32, 1), registers, 0)),
                Optional.empty(), Optional.empty(), Map.of());
    }

    private static double permuteBytes(long features, long batch, long indices) {
        return 2.0 * indices * 4 + 2.0 * (features * batch + 1) * 4 + features * 4.0;
    }

    @Test
    void aLaunchedPermuteWaitsForThreeDependentLoadsPerSegmentInEachWaveOfWarps() {
        // rank 0's [1280, 2048] permute: one warp per segment, 81,920 blocks of 32 warps; 16 registers a thread
        // leave two blocks on each of the A100's 108 SMs: 6,912 warps a wave, 2,621,440 warps in 380 waves. Every
        // segment holds indices (15 on average, one round of 32 lanes): output_offsets, input_offsets, indices.
        long features = 1280;
        long batch = 2048;
        long indices = 38_910_814L;
        SimulationRequest r = launchedPermute(features, batch, indices, 81_920, 16);
        double bandwidth = seconds(permuteBytes(features, batch, indices), Param.COPY_MEMORY_EFFICIENCY,
                Param.COPY_FIXED_LATENCY_US);
        double chain = 380 * 3 * 405e-9;
        Estimate e = KernelModel.estimate(r, A100);
        assertThat(A100.dramLatencyNs()).isEqualTo(405);
        assertThat(e.seconds()).isCloseTo(bandwidth + chain, within(1e-12));
        assertThat(e.bound()).isEqualTo("latency");

        // 64 registers a thread leave one block of 1,024 threads an SM: 3,456 warps a wave, 759 waves.
        double oneBlock = seconds(permuteBytes(features, batch, indices), Param.COPY_MEMORY_EFFICIENCY,
                Param.COPY_FIXED_LATENCY_US) + 759 * 3 * 405e-9;
        assertThat(KernelModel.estimate(launchedPermute(features, batch, indices, 81_920, 64), A100).seconds())
                .isCloseTo(oneBlock, within(1e-12));
    }

    @Test
    void emptySegmentsStopAfterTheirOffsetsAndAProfileWithoutALatencyKeepsTheBandwidthPrice() {
        // negative_queue's [96, 4096] permute of 33,398 indices: at most 33,398 of the 393,216 segments hold one,
        // the others wait for their offsets only; 393,216 warps in 57 waves of 6,912.
        long features = 96;
        long batch = 4096;
        long indices = 33_398;
        double bandwidth = seconds(permuteBytes(features, batch, indices), Param.COPY_MEMORY_EFFICIENCY,
                Param.COPY_FIXED_LATENCY_US);
        double rounds = 1 + 33_398.0 / 393_216 * 2;
        double expected = bandwidth + 57 * rounds * 405e-9;
        assertThat(KernelModel.estimate(launchedPermute(features, batch, indices, 12_288, 16), A100).seconds())
                .isCloseTo(expected, within(1e-12));

        HardwareProfile h100 = Profiles.bundled("h100-sxm");
        assertThat(h100.dramLatencyNs()).isZero();
        SimulationRequest r = launchedPermute(features, batch, indices, 12_288, 16);
        double h100Bandwidth = h100.get(Param.COPY_FIXED_LATENCY_US) * 1e-6 + permuteBytes(features, batch, indices)
                / (h100.hbmBytesPerSecond() * h100.get(Param.COPY_MEMORY_EFFICIENCY));
        assertThat(KernelModel.estimate(r, h100).seconds()).isCloseTo(h100Bandwidth, within(1e-12));
    }

    @Test
    void aPermuteThatRepeatsFeaturesIsNotGuessedAndUnrecordedShapesSaySo() {
        SimulationRequest repeating = request("permute_2D_data_kernel<false, int, int, decltype(nullptr)>",
                OperationFamily.COPY, FbgemmTraffic.PERMUTE_SPARSE_INDICES, in("permute", DataType.INT32, 1390),
                in("lengths", DataType.INT32, 1334, 2048), in("indices", DataType.INT32, 64_274_609L));
        Estimate e = KernelModel.estimate(repeating, A100);
        assertThat(e.supported()).isFalse();
        assertThat(e.reason()).contains("permuted_lengths_sum");

        Estimate none = KernelModel.estimate(request("permute_2D_data_kernel", OperationFamily.COPY,
                FbgemmTraffic.PERMUTE_SPARSE_INDICES), A100);
        assertThat(none.reason()).isEqualTo("no operand shapes");
    }

    @Test
    void onlyItsOwnOpMappingsReachTheModel() {
        assertThat(FbgemmModel.applies(request("k", OperationFamily.ELEMENTWISE, "quantize"))).isFalse();
        assertThat(FbgemmModel.applies(request("k", OperationFamily.COPY, "permute_sparse_data"))).isFalse();
        assertThat(FbgemmModel.applies(request("k", OperationFamily.COPY, FbgemmTraffic.PERMUTE_SPARSE_LENGTHS)))
                .isTrue();
    }
}
