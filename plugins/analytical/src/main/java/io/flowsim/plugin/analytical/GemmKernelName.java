package io.flowsim.plugin.analytical;

import io.flowsim.api.model.KernelWork;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a GEMM kernel's name says about how it computes: the math mode (TF32 tensor cores, FP32 SIMT
 * cores, 16-bit or 8-bit tensor cores), the output tile of one thread block, and whether it is a
 * matrix-vector kernel that never uses tiles. cuBLAS and CUTLASS encode these in their kernel names
 * ({@code cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align4}: TF32 {@code m16n8k8} MMA, tile 128x64;
 * {@code ampere_sgemm_32x128_nn}: FP32 on the CUDA cores, tile 32x128;
 * {@code sm80_xmma_gemm_f32f32_tf32f32_f32_nn_n_tilesize128x128x16_...}: TF32; cuBLASLt's Hopper
 * {@code nvjet_tst_64x8_64x16_4x1_v_bz_splitK_TNT}: tile 64x8, split K).
 *
 * <p>Names are in the library's column-major view: its M is PyTorch's N (cuBLAS computes
 * {@code C^T = B^T A^T} for a row-major product), so the tile is returned as {@code [rows of the
 * PyTorch output, columns]}, i.e. swapped. A square tile is the same either way.
 *
 * @param mode   the math mode the name states, or {@link MathMode#UNSTATED}
 * @param tileM  rows of the PyTorch output per thread block, 0 when the name gives no tile
 * @param tileN  columns of the PyTorch output per thread block, 0 when the name gives no tile
 * @param vector whether the kernel is a matrix-vector (GEMV) or outer-product kernel: no tiles,
 *               bandwidth-bound
 * @param splitK whether the name says the kernel splits K and leaves the reduction of its fp32 partial
 *               sums to a separate kernel (cuBLASLt's {@code nvjet_..._splitK_...}, followed by
 *               {@code splitKreduce_kernel})
 * @param alignment the operand alignment in elements CUTLASS names end with ({@code _align4}: the
 *               kernel loads 4 elements per access), 0 when the name does not say
 * @param rowwiseFp8 whether the kernel is sgl-kernel's {@code fp8_scaled_mm} (per-token activation and
 *               per-channel weight scales, applied in the epilogue): a CUTLASS kernel that picks its tile
 *               from {@code M} alone and never splits {@code K} ({@link GemmModel})
 * @param layout the two layout letters of a CUTLASS name ({@code _nt_align1}: {@code "nt"}), in cuBLAS'
 *               column-major view: the first is cuBLAS' A (PyTorch's {@code B}), the second cuBLAS' B
 *               (PyTorch's {@code A}); {@code n} column-major, {@code t} row-major; empty when the name
 *               does not say
 */
record GemmKernelName(MathMode mode, int tileM, int tileN, boolean vector, boolean splitK, int alignment,
                      boolean rowwiseFp8, String layout) {

    GemmKernelName(MathMode mode, int tileM, int tileN, boolean vector, boolean splitK) {
        this(mode, tileM, tileN, vector, splitK, 0, false, "");
    }

    /** How a GEMM kernel computes, as its name tells. */
    enum MathMode {
        /** FP32 operands on TF32 tensor cores ({@code allow_tf32}). */
        TF32,
        /** FP32 on the CUDA cores (SIMT {@code sgemm}). */
        FP32_SIMT,
        /** FP16 or BF16 tensor cores. */
        HALF,
        /** FP8 tensor cores. */
        FP8,
        /** INT8 tensor cores. */
        INT8,
        /** The name does not say. */
        UNSTATED
    }

    private static final GemmKernelName NONE = new GemmKernelName(MathMode.UNSTATED, 0, 0, false, false);
    private static final Pattern HALF = Pattern.compile(
            "bf16|fp16|f16_s|_h1688gemm|_h16816gemm|hgemm|_h884gemm|__half|__nv_bfloat16|f16f16|bf16bf16");
    private static final Pattern FP8 = Pattern.compile("e4m3|e5m2|fp8|qgmma|f8f8");
    private static final Pattern INT8 = Pattern.compile("i8816gemm|imma|int8|_i16832gemm|s8s8");
    private static final Pattern SIMT = Pattern.compile("sgemm|gemmsn_|gemmk1_kernel<float|gemv[a-z0-9_]*<float");
    private static final Pattern VECTOR = Pattern.compile("gemv|gemmk1_kernel|gemmsn_");
    /** {@code 128x64} (CUTLASS, cuBLAS) or {@code tilesize128x128x16} (xmma) right after the GEMM tag. */
    private static final Pattern TILE = Pattern.compile(
            "(?:gemm_|tilesize|^nvjet_(?:sm\\d+_)?tst_)(\\d{1,3})x(\\d{1,3})(?:[x_]|$)");
    private static final Pattern SPLIT_K = Pattern.compile("^nvjet_.*_splitk_");
    private static final Pattern ALIGNMENT = Pattern.compile("_align(\\d{1,2})(?:[^0-9]|$)");
    /** CUTLASS's operand layouts right before the alignment ({@code _nt_align1}). */
    private static final Pattern LAYOUT = Pattern.compile("_([nt]{2})_align\\d");
    /** sgl-kernel's row-wise scaled FP8 GEMM, by its operator name ({@code sgl_kernel.fp8_scaled_mm}). */
    private static final Pattern ROWWISE_FP8 = Pattern.compile("(?:^|[^a-z0-9_])fp8_scaled_mm(?:$|[^a-z0-9_])");

    /** Reads a kernel name; never null, {@link MathMode#UNSTATED} and no tile when it says nothing. */
    static GemmKernelName of(String kernelName) {
        if (kernelName == null || kernelName.isEmpty()) {
            return NONE;
        }
        String n = kernelName.toLowerCase(Locale.ROOT);
        int args = n.indexOf('(');
        String head = args > 0 ? n.substring(0, args) : n;
        MathMode mode;
        if (FP8.matcher(head).find()) {
            mode = MathMode.FP8;
        } else if (INT8.matcher(head).find()) {
            mode = MathMode.INT8;
        } else if (HALF.matcher(head).find()) {
            mode = MathMode.HALF;
        } else if (KernelWork.tf32Kernel(head)) {
            // the work count's rule: both compute fp32 operands in TF32 by the same name test
            mode = MathMode.TF32;
        } else if (SIMT.matcher(head).find()) {
            mode = MathMode.FP32_SIMT;
        } else {
            mode = MathMode.UNSTATED;
        }
        boolean vector = VECTOR.matcher(head).find();
        int tm = 0;
        int tn = 0;
        Matcher m = TILE.matcher(head);
        if (!vector && m.find()) {
            int libraryM = Integer.parseInt(m.group(1));
            int libraryN = Integer.parseInt(m.group(2));
            if (libraryM >= 8 && libraryN >= 8) {
                tm = libraryN;
                tn = libraryM;
            }
        }
        Matcher align = ALIGNMENT.matcher(head);
        int alignment = align.find() ? Integer.parseInt(align.group(1)) : 0;
        Matcher layout = LAYOUT.matcher(head);
        return new GemmKernelName(mode, tm, tn, vector, SPLIT_K.matcher(head).find(), alignment,
                mode == MathMode.FP8 && ROWWISE_FP8.matcher(head).find(), layout.find() ? layout.group(1) : "");
    }

    /**
     * Whether the name says the kernel loads its operands in accesses narrower than 16 bytes
     * ({@code _align1} or {@code _align2} for FP32: a leading dimension that is not a multiple of 4
     * elements rules out 128-bit vector loads and {@code cp.async} of 16 bytes).
     */
    boolean narrowLoads(double elementBytes) {
        return alignment > 0 && alignment * elementBytes < 16;
    }

    /**
     * Whether only the output of an {@code M x K} times {@code K x N} product is misaligned for this
     * narrow-load kernel: both operands the main loop loads have leading dimensions that are multiples of
     * 16 bytes, and the output's ({@code N}) is not. Then the kernel's {@code _align1} only narrows the
     * epilogue's stores (and the loads of a bias it adds). The leading dimensions follow from the layout
     * letters: cuBLAS' A is PyTorch's {@code B [K, N]} ({@code n}: leading dimension {@code N}, {@code t}:
     * {@code K}), cuBLAS' B is PyTorch's {@code A [M, K]} ({@code n}: {@code K}, {@code t}: {@code M}).
     * False when the name gives no layout (the misaligned operand is then unknown).
     */
    boolean narrowOutputOnly(long m, long n, long k, double elementBytes) {
        if (layout.length() != 2 || !narrowLoads(elementBytes)) {
            return false;
        }
        long vector = Math.max(1, Math.round(16 / elementBytes));
        long ldA = layout.charAt(0) == 'n' ? n : k;
        long ldB = layout.charAt(1) == 'n' ? k : m;
        return ldA % vector == 0 && ldB % vector == 0 && n % vector != 0;
    }

    /** Whether the name gives a thread-block tile. */
    boolean hasTile() {
        return tileM > 0 && tileN > 0;
    }
}
