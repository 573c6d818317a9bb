package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fbgemm_gpu's quantizers and sparse-feature permutes, whose traffic the generic operand count gets wrong: the trace
 * records only their inputs, and their outputs have another element type (a quantizer) or another length (a
 * permute). Each is priced as the bytes its kernel reads and writes at the achievable HBM bandwidth of its family
 * ({@link MemoryModel#bandwidthBound}), with the profile's existing efficiencies; nothing here is fitted.
 * Selected by the op mapping the kernel database gives the kernel. Stateless and thread-safe.
 */
final class FbgemmModel {

    /** {@code _get_FP8_qparam_cuda_kernel}: reads each row, writes its scale (8 bytes at the row's end). */
    static final String FP8_ROWWISE_QPARAMS = "fp8_rowwise_qparams";
    /** {@code _compute_FP8_quantize_cuda_kernel}: reads each element, writes one byte for it. */
    static final String FP8_ROWWISE_QUANTIZE = "fp8_rowwise_quantize";
    /** {@code _FP8rowwise_to_float_cuda_kernel}: reads the quantized rows, writes the float rows. */
    static final String FP8_ROWWISE_DEQUANTIZE = "fp8_rowwise_dequantize";
    /** {@code _float_to_hfp8_gpu}: one byte written per float read. */
    static final String HFP8_QUANTIZE = "hfp8_quantize";
    /** {@code _hfp8_to_float_gpu}: one float written per byte read. */
    static final String HFP8_DEQUANTIZE = "hfp8_dequantize";
    /** {@code permute_2D_data_kernel}, {@code permute_indices_weights_kernel}: copies each feature's indices. */
    static final String PERMUTE_SPARSE_INDICES = "permute_sparse_indices";
    /** {@code permute_2D_lengths_kernel}: copies each permuted feature's row of lengths. */
    static final String PERMUTE_SPARSE_LENGTHS = "permute_sparse_lengths";

    private static final Set<String> MAPPINGS = Set.of(FP8_ROWWISE_QPARAMS, FP8_ROWWISE_QUANTIZE,
            FP8_ROWWISE_DEQUANTIZE, HFP8_QUANTIZE, HFP8_DEQUANTIZE, PERMUTE_SPARSE_INDICES, PERMUTE_SPARSE_LENGTHS);

    /** fbgemm pads a quantized row to 4 bytes and appends two floats (scale, and a zero kept for determinism). */
    private static final long ROW_QPARAM_BYTES = 2 * 4;

    /** The output element type of {@code _FP8rowwise_to_float_cuda_kernel<T>}. */
    private static final Pattern DEQUANTIZE_OUTPUT = Pattern.compile("_FP8rowwise_to_float_cuda_kernel<([\\w:]+)>");

    private FbgemmModel() {
    }

    static boolean applies(SimulationRequest r) {
        return MAPPINGS.contains(r.opMapping());
    }

    static Estimate estimate(SimulationRequest r, HardwareProfile hw) {
        if (!RequestView.hasShapes(r)) {
            return Estimate.unsupported("no operand shapes");
        }
        return switch (r.opMapping()) {
            case PERMUTE_SPARSE_INDICES -> permuteIndices(r, hw);
            case PERMUTE_SPARSE_LENGTHS -> permuteLengths(r, hw);
            default -> quantizer(r, hw);
        };
    }

    private static Estimate quantizer(SimulationRequest r, HardwareProfile hw) {
        Operand input = RequestView.operand(r, "input");
        if (input == null || input.shape().isEmpty() || input.dataType().bytes() <= 0) {
            return Estimate.unsupported("the operand types are unknown");
        }
        double elements = input.elementCount();
        double bytes;
        switch (r.opMapping()) {
            case FP8_ROWWISE_QPARAMS -> bytes = input.bytes() + rows(input) * ROW_QPARAM_BYTES;
            case FP8_ROWWISE_QUANTIZE -> bytes = input.bytes() + elements + rows(input) * 4.0;
            case FP8_ROWWISE_DEQUANTIZE -> {
                long columns = input.shape().get(input.shape().size() - 1) - ROW_QPARAM_BYTES;
                DataType output = dequantizedType(r.kernelName());
                if (columns <= 0 || output == DataType.UNKNOWN) {
                    return Estimate.unsupported(columns <= 0 ? "a quantized row of " + (columns + ROW_QPARAM_BYTES)
                            + " bytes holds no values after its 8 bytes of scale"
                            : "the dequantizing kernel's name gives no output type");
                }
                bytes = input.bytes() + rows(input) * columns * output.bytes();
            }
            case HFP8_QUANTIZE -> bytes = input.bytes() + elements;
            case HFP8_DEQUANTIZE -> bytes = input.bytes() + elements * DataType.FP32.bytes();
            default -> throw new IllegalStateException(r.opMapping());
        }
        String model = "fbgemm-" + r.opMapping().replace('_', '-');
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

    /** Rows of a row-wise quantizer's input: all dimensions but the last. */
    private static double rows(Operand input) {
        long columns = input.shape().get(input.shape().size() - 1);
        return columns == 0 ? 0 : (double) input.elementCount() / columns;
    }

    private static DataType dequantizedType(String kernelName) {
        Matcher m = DEQUANTIZE_OUTPUT.matcher(kernelName);
        if (!m.find()) {
            return DataType.UNKNOWN;
        }
        String t = m.group(1);
        // fbgemm's kernels name half types by their CUDA spelling
        return t.equals("__half") || t.equals("half") ? DataType.FP16
                : t.equals("__nv_bfloat16") ? DataType.BF16 : DataType.fromName(t);
    }

    /**
     * The index copy of {@code permute_2D_sparse_data} / {@code permute_sparse_features}
     * ({@code permute [T'], lengths [T, B], indices [N], weights [N]?}): each output feature's indices (and weights)
     * are read once and written once, and each (feature, sample) segment reads its input and output offsets. With
     * {@code T' = T} the output holds exactly the input's {@code N} indices; a permute that repeats or drops features
     * writes {@code permuted_lengths_sum} indices, which the trace does not record.
     */
    private static Estimate permuteIndices(SimulationRequest r, HardwareProfile hw) {
        Operand permute = RequestView.operand(r, "permute");
        Operand lengths = RequestView.operand(r, "lengths");
        Operand indices = RequestView.operand(r, "indices");
        if (permute == null || lengths == null || indices == null || lengths.shape().size() != 2
                || indices.dataType().bytes() <= 0 || lengths.dataType().bytes() <= 0) {
            return Estimate.unsupported("the operand types are unknown");
        }
        long features = lengths.shape().get(0);
        if (permute.elementCount() != features) {
            return Estimate.unsupported("a sparse-feature permute that repeats or drops features (permute and"
                    + " lengths differ in length): the permuted index count (permuted_lengths_sum) is not recorded");
        }
        Operand weights = RequestView.operand(r, "weights");
        double offsets = 2.0 * (lengths.elementCount() + 1) * lengths.dataType().bytes();
        double bytes = 2 * indices.bytes() + (weights == null ? 0 : 2 * weights.bytes()) + offsets + permute.bytes();
        return copy(r, bytes, hw, "fbgemm-permute-sparse-indices");
    }

    /**
     * {@code permute_2D_lengths_kernel}: for each of the {@code T'} permuted features, the row of {@code B} lengths of
     * the feature it takes is read and written.
     */
    private static Estimate permuteLengths(SimulationRequest r, HardwareProfile hw) {
        Operand permute = RequestView.operand(r, "permute");
        Operand lengths = RequestView.operand(r, "lengths");
        if (permute == null || lengths == null || lengths.shape().size() != 2 || lengths.dataType().bytes() <= 0) {
            return Estimate.unsupported("the operand types are unknown");
        }
        double rowBytes = (double) lengths.shape().get(1) * lengths.dataType().bytes();
        double bytes = 2.0 * permute.elementCount() * rowBytes + permute.bytes();
        return copy(r, bytes, hw, "fbgemm-permute-sparse-lengths");
    }

    private static Estimate copy(SimulationRequest r, double bytes, HardwareProfile hw, String model) {
        Param efficiency = r.family() == OperationFamily.COPY ? Param.COPY_MEMORY_EFFICIENCY
                : Param.ELEMENTWISE_MEMORY_EFFICIENCY;
        Param latency = r.family() == OperationFamily.COPY ? Param.COPY_FIXED_LATENCY_US
                : Param.ELEMENTWISE_FIXED_LATENCY_US;
        return MemoryModel.bandwidthBound(bytes, hw, efficiency, latency, model);
    }
}
