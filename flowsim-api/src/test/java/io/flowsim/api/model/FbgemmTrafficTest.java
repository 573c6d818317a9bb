package io.flowsim.api.model;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bytes fbgemm_gpu's quantizers and sparse-feature permutes move ({@link FbgemmTraffic}), and that the work count
 * ({@link KernelWork}) counts them. Shapes as the HTA sampled training traces record these operators, written here
 * by hand; the expected bytes are worked out from fbgemm_gpu's kernels in each test, not taken from the code.
 */
class FbgemmTrafficTest {

    private static Operand in(String name, DataType type, long... shape) {
        return new Operand(name, Direction.INPUT, Arrays.stream(shape).boxed().toList(), type, "");
    }

    private static FbgemmTraffic traffic(String opMapping, String kernelName, Operand... operands) {
        return FbgemmTraffic.of(opMapping, kernelName, List.of(operands)).orElseThrow();
    }

    private static ResolvedKernel kernel(String name, OperationFamily family, String opMapping, Operand... operands) {
        KernelRecord r = KernelRecord.builder(0, name).duration(10_000).build();
        return new ResolvedKernel(r, family, opMapping, "", "", List.of(), List.of(operands),
                new Resolution(ResolutionSource.EXACT_NAME, "test", "#1"), Map.of());
    }

    @Test
    void quantizersWriteTheirOwnTypeNotTheInputsAgain() {
        long rows = 1_492_704L;
        long cols = 256;
        Operand floats = in("input", DataType.FP32, rows, cols);
        double elements = rows * cols;
        // the scale pass reads the rows and writes 8 bytes (scale and a zero) at each row's end
        assertThat(traffic(FbgemmTraffic.FP8_ROWWISE_QPARAMS, "k", floats).bytes())
                .isEqualTo(4 * elements + 8.0 * rows);
        // the quantizing pass reads the rows and each row's 4-byte scale, writes a byte per element
        assertThat(traffic(FbgemmTraffic.FP8_ROWWISE_QUANTIZE, "k", floats).bytes())
                .isEqualTo(4 * elements + elements + 4.0 * rows);
        assertThat(traffic(FbgemmTraffic.HFP8_QUANTIZE, "k", in("input", DataType.FP32, 1000)).bytes())
                .isEqualTo(4000 + 1000);
        assertThat(traffic(FbgemmTraffic.HFP8_DEQUANTIZE, "k", in("input", DataType.UINT8, 1000)).bytes())
                .isEqualTo(1000 + 4000);
    }

    @Test
    void aDequantizerWritesTheTypeItsNameGivesForTheValuesBeforeTheScale() {
        Operand bytes = in("input", DataType.UINT8, 1000, 264);
        assertThat(traffic(FbgemmTraffic.FP8_ROWWISE_DEQUANTIZE,
                "void fbgemm_gpu::(anonymous namespace)::_FP8rowwise_to_float_cuda_kernel<float>(...)", bytes).bytes())
                .isEqualTo(1000 * 264 + 1000 * 256 * 4.0);
        assertThat(traffic(FbgemmTraffic.FP8_ROWWISE_DEQUANTIZE, "_FP8rowwise_to_float_cuda_kernel<__half>", bytes)
                .bytes()).isEqualTo(1000 * 264 + 1000 * 256 * 2.0);
        assertThat(traffic(FbgemmTraffic.FP8_ROWWISE_DEQUANTIZE, "_FP8rowwise_to_float_cuda_kernel<__nv_bfloat16>",
                bytes).bytes()).isEqualTo(1000 * 264 + 1000 * 256 * 2.0);

        FbgemmTraffic unnamed = traffic(FbgemmTraffic.FP8_ROWWISE_DEQUANTIZE, "dequantize", bytes);
        assertThat(unnamed.known()).isFalse();
        assertThat(unnamed.bytes()).isNaN();
        assertThat(unnamed.problem()).contains("no output type");
        assertThat(traffic(FbgemmTraffic.FP8_ROWWISE_DEQUANTIZE, "_FP8rowwise_to_float_cuda_kernel<float>",
                in("input", DataType.UINT8, 4, 8)).problem()).contains("a quantized row of 8 bytes holds no values");
    }

    @Test
    void aPermuteCopiesEachIndexOnceAndReadsTwoOffsetsPerSegment() {
        long features = 1280;
        long batch = 2048;
        long indices = 38_910_814L;
        Operand permute = in("permute", DataType.INT32, features);
        Operand lengths = in("lengths", DataType.INT32, features, batch);
        double plain = 2.0 * indices * 4 + 2.0 * (features * batch + 1) * 4 + features * 4;
        assertThat(traffic(FbgemmTraffic.PERMUTE_SPARSE_INDICES, "k", permute, lengths,
                in("indices", DataType.INT32, indices)).bytes()).isEqualTo(plain);
        assertThat(traffic(FbgemmTraffic.PERMUTE_SPARSE_INDICES, "k", permute, lengths,
                in("indices", DataType.INT32, indices), in("weights", DataType.FP32, indices)).bytes())
                .isEqualTo(plain + 2.0 * indices * 4);
        // the lengths kernel copies the row of each of the 1,390 permuted features
        assertThat(traffic(FbgemmTraffic.PERMUTE_SPARSE_LENGTHS, "k", in("permute", DataType.INT32, 1390),
                in("lengths", DataType.INT32, 1334, batch)).bytes()).isEqualTo(2.0 * 1390 * batch * 4 + 1390 * 4);
    }

    @Test
    void whatTheOperandsDoNotTellIsAProblemNotAGuess() {
        FbgemmTraffic repeating = traffic(FbgemmTraffic.PERMUTE_SPARSE_INDICES, "k",
                in("permute", DataType.INT32, 1390), in("lengths", DataType.INT32, 1334, 2048),
                in("indices", DataType.INT32, 64_274_609L));
        assertThat(repeating.known()).isFalse();
        assertThat(repeating.problem()).contains("permuted_lengths_sum");
        assertThat(traffic(FbgemmTraffic.HFP8_QUANTIZE, "k", in("input", DataType.UNKNOWN, 1000)).problem())
                .isEqualTo("the operand types are unknown");
        assertThat(traffic(FbgemmTraffic.PERMUTE_SPARSE_LENGTHS, "k", in("permute", DataType.INT32, 8)).problem())
                .isEqualTo("the operand types are unknown");
        // other op mappings are not fbgemm's
        assertThat(FbgemmTraffic.of("permute_sparse_data", "k", List.of())).isEmpty();
        assertThat(FbgemmTraffic.of("quantize", "k", List.of(in("input", DataType.FP32, 8)))).isEmpty();
    }

    @Test
    void aRecordIsEitherKnownBytesOrAProblem() {
        assertThat(new FbgemmTraffic(10, "").known()).isTrue();
        assertThatThrownBy(() -> new FbgemmTraffic(Double.NaN, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FbgemmTraffic(-1, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FbgemmTraffic(10, "why")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FbgemmTraffic(Double.NaN, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theWorkCountCountsTheseBytesAndNothingWhereTheyAreNotKnown() {
        Operand floats = in("input", DataType.FP32, 4096, 256);
        KernelWork quantize = KernelWork.of(kernel("_compute_FP8_quantize_cuda_kernel<float>",
                OperationFamily.ELEMENTWISE, FbgemmTraffic.FP8_ROWWISE_QUANTIZE, floats));
        assertThat(quantize.known()).isTrue();
        assertThat(quantize.bytes()).isEqualTo(4096 * 256 * 5.0 + 4096 * 4);
        // one FLOP per element, as any elementwise kernel; the input's type
        assertThat(quantize.flops()).isEqualTo(4096 * 256.0);
        assertThat(quantize.computeType()).isEqualTo(DataType.FP32);
        // the same kernel without the op mapping: the generic count (the input read, nothing marked written)
        assertThat(KernelWork.of(kernel("_compute_FP8_quantize_cuda_kernel<float>", OperationFamily.ELEMENTWISE,
                "", floats)).bytes()).isEqualTo(2 * 4096 * 256 * 4.0);

        KernelWork permute = KernelWork.of(kernel("permute_2D_lengths_kernel<int>", OperationFamily.COPY,
                FbgemmTraffic.PERMUTE_SPARSE_LENGTHS, in("permute", DataType.INT32, 8),
                in("lengths", DataType.INT32, 8, 4096)));
        assertThat(permute.bytes()).isEqualTo(2.0 * 8 * 4096 * 4 + 8 * 4);
        assertThat(permute.flops()).isZero();
        // the operands record an empty index list: the offsets and the permutation are still read
        KernelWork noIndices = KernelWork.of(kernel("permute_2D_data_kernel<true, int, int, float>",
                OperationFamily.COPY, FbgemmTraffic.PERMUTE_SPARSE_INDICES, in("permute", DataType.INT32, 8),
                in("lengths", DataType.INT32, 8, 4096), in("indices", DataType.INT32, 0),
                in("weights", DataType.FP32, 0)));
        assertThat(noIndices.bytes()).isEqualTo(2.0 * (8 * 4096 + 1) * 4 + 8 * 4);
        assertThat(KernelWork.of(kernel("permute_2D_data_kernel", OperationFamily.COPY,
                FbgemmTraffic.PERMUTE_SPARSE_INDICES, in("permute", DataType.INT32, 1390),
                in("lengths", DataType.INT32, 1334, 2048), in("indices", DataType.INT32, 1000)))).isEqualTo(
                KernelWork.UNKNOWN);
    }
}
