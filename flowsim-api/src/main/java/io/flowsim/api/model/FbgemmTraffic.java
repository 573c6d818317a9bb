package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes one of fbgemm_gpu's quantizers or sparse-feature permutes reads and writes, from fbgemm_gpu's source
 * ({@code quantize_fp8_rowwise.cu}, {@code quantize_hfp8.cu}, {@code sparse_permute_2d.cu}). The generic operand count
 * ({@link KernelWork#memoryTraffic}) gets these kernels wrong: the trace records only their inputs, and their outputs
 * have another element type (a quantizer) or another length (a permute). The kernel is told by the op mapping the
 * kernel database gives it, one of {@link #OP_MAPPINGS}.
 *
 * <p>One rule for everyone who needs it: the work count ({@link KernelWork}, the efficiency columns) counts these
 * bytes and a backend prices them (the analytical backend at the HBM bandwidth of the kernel's family), so the two
 * cannot disagree. Immutable and thread-safe.
 *
 * <p>Experimental: it describes the traffic of one library's kernels, as its current source writes them.
 *
 * @param bytes   the bytes read and written; NaN when {@link #problem} says why they are not known
 * @param problem empty when the bytes are known; else why the operands do not tell them (a sentence fragment, as a
 *                backend gives for its reason)
 *
 * @since 0.13
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record FbgemmTraffic(double bytes, String problem) {

    /** {@code _get_FP8_qparam_cuda_kernel}: reads each row, writes its scale (8 bytes at the row's end). */
    public static final String FP8_ROWWISE_QPARAMS = "fp8_rowwise_qparams";
    /** {@code _compute_FP8_quantize_cuda_kernel}: reads each element, writes one byte for it. */
    public static final String FP8_ROWWISE_QUANTIZE = "fp8_rowwise_quantize";
    /** {@code _FP8rowwise_to_float_cuda_kernel}: reads the quantized rows, writes the float rows. */
    public static final String FP8_ROWWISE_DEQUANTIZE = "fp8_rowwise_dequantize";
    /** {@code _float_to_hfp8_gpu}: one byte written per float read. */
    public static final String HFP8_QUANTIZE = "hfp8_quantize";
    /** {@code _hfp8_to_float_gpu}: one float written per byte read. */
    public static final String HFP8_DEQUANTIZE = "hfp8_dequantize";
    /** {@code permute_2D_data_kernel}, {@code permute_indices_weights_kernel}: copies each feature's indices. */
    public static final String PERMUTE_SPARSE_INDICES = "permute_sparse_indices";
    /** {@code permute_2D_lengths_kernel}: copies each permuted feature's row of lengths. */
    public static final String PERMUTE_SPARSE_LENGTHS = "permute_sparse_lengths";

    /** The op mappings whose traffic {@link #of} counts. */
    public static final Set<String> OP_MAPPINGS = Set.of(FP8_ROWWISE_QPARAMS, FP8_ROWWISE_QUANTIZE,
            FP8_ROWWISE_DEQUANTIZE, HFP8_QUANTIZE, HFP8_DEQUANTIZE, PERMUTE_SPARSE_INDICES, PERMUTE_SPARSE_LENGTHS);

    /** fbgemm pads a quantized row to 4 bytes and appends two floats (scale, and a zero kept for determinism). */
    private static final long ROW_QPARAM_BYTES = 2 * 4;

    /** The output element type of {@code _FP8rowwise_to_float_cuda_kernel<T>}. */
    private static final Pattern DEQUANTIZE_OUTPUT = Pattern.compile("_FP8rowwise_to_float_cuda_kernel<([\\w:]+)>");

    private static final String TYPES_UNKNOWN = "the operand types are unknown";

    public FbgemmTraffic {
        Objects.requireNonNull(problem, "problem");
        if (problem.isEmpty() ? !(bytes >= 0) || Double.isInfinite(bytes) : !Double.isNaN(bytes)) {
            throw new IllegalArgumentException(problem.isEmpty()
                    ? "known traffic must be finite and non-negative: " + bytes + " bytes"
                    : "traffic with a problem has no bytes (NaN): " + bytes + " bytes, " + problem);
        }
    }

    /** Whether the operands told the bytes. */
    public boolean known() {
        return problem.isEmpty();
    }

    /**
     * The traffic of a kernel whose op mapping is one of {@link #OP_MAPPINGS}:
     * <ul>
     *   <li>{@code fp8_rowwise_qparams}: reads the {@code input} rows, writes 8 bytes of scale per row;</li>
     *   <li>{@code fp8_rowwise_quantize}: reads the input, writes one byte per element and reads a 4-byte scale per
     *       row;</li>
     *   <li>{@code fp8_rowwise_dequantize}: reads the quantized rows ({@code [rows, columns + 8]} bytes), writes
     *       {@code rows x columns} elements of the type the kernel's name gives
     *       ({@code _FP8rowwise_to_float_cuda_kernel<T>});</li>
     *   <li>{@code hfp8_quantize} / {@code hfp8_dequantize}: reads the input, writes one byte / one float per
     *       element;</li>
     *   <li>{@code permute_sparse_indices} ({@code permute [T'], lengths [T, B], indices [N], weights [N]?}): each
     *       feature's indices (and weights) read and written once, an input and an output offset read per
     *       (feature, sample) segment, and the permutation; only when {@code T' = T}: a permute that repeats or
     *       drops features writes {@code permuted_lengths_sum} indices, which the trace does not record;</li>
     *   <li>{@code permute_sparse_lengths}: the row of {@code B} lengths of each of the {@code T'} permuted
     *       features read and written, and the permutation.</li>
     * </ul>
     *
     * @param opMapping  the op mapping the kernel database gives the kernel
     * @param kernelName the kernel's name (the dequantizer's output type)
     * @param operands   the kernel's operands
     * @return the traffic, with a {@link #problem} when the operands do not tell it; empty when {@code opMapping} is
     *         none of {@link #OP_MAPPINGS}
     */
    public static Optional<FbgemmTraffic> of(String opMapping, String kernelName, List<Operand> operands) {
        Objects.requireNonNull(opMapping, "opMapping");
        Objects.requireNonNull(kernelName, "kernelName");
        Objects.requireNonNull(operands, "operands");
        if (!OP_MAPPINGS.contains(opMapping)) {
            return Optional.empty();
        }
        return Optional.of(switch (opMapping) {
            case PERMUTE_SPARSE_INDICES -> permuteIndices(operands);
            case PERMUTE_SPARSE_LENGTHS -> permuteLengths(operands);
            default -> quantizer(opMapping, kernelName, operands);
        });
    }

    private static FbgemmTraffic known(double bytes) {
        return new FbgemmTraffic(bytes, "");
    }

    private static FbgemmTraffic unknown(String problem) {
        return new FbgemmTraffic(Double.NaN, problem);
    }

    private static Operand operand(List<Operand> operands, String name) {
        for (Operand o : operands) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        return null;
    }

    private static FbgemmTraffic quantizer(String opMapping, String kernelName, List<Operand> operands) {
        Operand input = operand(operands, "input");
        if (input == null || input.shape().isEmpty() || input.dataType().bytes() <= 0) {
            return unknown(TYPES_UNKNOWN);
        }
        double elements = input.elementCount();
        return switch (opMapping) {
            case FP8_ROWWISE_QPARAMS -> known(input.bytes() + rows(input) * ROW_QPARAM_BYTES);
            case FP8_ROWWISE_QUANTIZE -> known(input.bytes() + elements + rows(input) * 4.0);
            case FP8_ROWWISE_DEQUANTIZE -> {
                long columns = input.shape().get(input.shape().size() - 1) - ROW_QPARAM_BYTES;
                DataType output = dequantizedType(kernelName);
                if (columns <= 0) {
                    yield unknown("a quantized row of " + (columns + ROW_QPARAM_BYTES)
                            + " bytes holds no values after its 8 bytes of scale");
                }
                if (output == DataType.UNKNOWN) {
                    yield unknown("the dequantizing kernel's name gives no output type");
                }
                yield known(input.bytes() + rows(input) * columns * output.bytes());
            }
            case HFP8_QUANTIZE -> known(input.bytes() + elements);
            case HFP8_DEQUANTIZE -> known(input.bytes() + elements * DataType.FP32.bytes());
            default -> throw new IllegalStateException(opMapping);
        };
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

    private static FbgemmTraffic permuteIndices(List<Operand> operands) {
        Operand permute = operand(operands, "permute");
        Operand lengths = operand(operands, "lengths");
        Operand indices = operand(operands, "indices");
        if (permute == null || lengths == null || indices == null || lengths.shape().size() != 2
                || indices.dataType().bytes() <= 0 || lengths.dataType().bytes() <= 0) {
            return unknown(TYPES_UNKNOWN);
        }
        if (permute.elementCount() != lengths.shape().get(0)) {
            return unknown("a sparse-feature permute that repeats or drops features (permute and lengths differ in"
                    + " length): the permuted index count (permuted_lengths_sum) is not recorded");
        }
        Operand weights = operand(operands, "weights");
        double offsets = 2.0 * (lengths.elementCount() + 1) * lengths.dataType().bytes();
        return known(2 * indices.bytes() + (weights == null ? 0 : 2 * weights.bytes()) + offsets + permute.bytes());
    }

    private static FbgemmTraffic permuteLengths(List<Operand> operands) {
        Operand permute = operand(operands, "permute");
        Operand lengths = operand(operands, "lengths");
        if (permute == null || lengths == null || lengths.shape().size() != 2 || lengths.dataType().bytes() <= 0) {
            return unknown(TYPES_UNKNOWN);
        }
        double rowBytes = (double) lengths.shape().get(1) * lengths.dataType().bytes();
        return known(2.0 * permute.elementCount() * rowBytes + permute.bytes());
    }
}
