package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static org.assertj.core.api.Assertions.assertThat;

/** Kernel names as they appear in real traces (shared/data/traces HolisticTraceAnalysis, the H200 demo traces). */
class GemmKernelNameTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align4>(Params) | TF32 | 64 | 128",
        "sm80_xmma_gemm_f32f32_tf32f32_f32_nn_n_tilesize128x128x16_stage4_warpsize2x2x1_tensor16x8x8_kernel | TF32 | 128 | 128",
        "ampere_sgemm_32x128_nn | FP32_SIMT | 128 | 32",
        "void cutlass::Kernel<cutlass_80_simt_sgemm_128x32_8x5_nn_align1>(Params) | FP32_SIMT | 32 | 128",
        "ampere_bf16_s16816gemm_bf16_128x64_ldg8_f2f_stages_64x4_tn | HALF | 0 | 0",
        "nvjet_sm90_tst_256x128_64x4_1x2_h_bz_coopA_TNT | UNSTATED | 128 | 256",
        "nvjet_tst_64x8_64x16_2x1_v_bz_splitK_TNT | UNSTATED | 8 | 64",
        "sm90_xmma_gemm_e4m3bf16_e4m3f32_f32_tn_n_tilesize128x128x128_cga1x2x1 | FP8 | 128 | 128",
        "void gemvNSP_kernel<float, float, float, float, 1, 32, 4, 1024, cublasGemvParams> | FP32_SIMT | 0 | 0"})
    void readsTheMathModeAndTileFromTheName(String name, GemmKernelName.MathMode mode, int tileM, int tileN) {
        GemmKernelName k = GemmKernelName.of(name);
        assertThat(k.mode()).isEqualTo(mode);
        assertThat(k.tileM()).isEqualTo(tileM);
        assertThat(k.tileN()).isEqualTo(tileN);
    }

    @Test
    void gemvKernelsAreVectorKernels() {
        assertThat(GemmKernelName.of("void gemvNSP_kernel<float, float, float, float, 1, 32, 4, 1024>").vector()).isTrue();
        assertThat(GemmKernelName.of("void gemmk1_kernel<float, 256, 5, false>").vector()).isTrue();
        assertThat(GemmKernelName.of("ampere_sgemm_128x64_nn").vector()).isFalse();
    }

    private static SimulationRequest named(String kernel, long m, long n, long k) {
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.GEMM, "mm",
                List.of(in("A", DataType.FP32, m, k), in("B", DataType.FP32, k, n)), Optional.empty(),
                Optional.empty(), Optional.empty(), Map.of());
    }

    @Test
    void fp32OperandsRunAtTheTensorCoreRateOnlyWhenTheKernelIsTf32() {
        HardwareProfile a100 = Profiles.bundled("a100-sxm-80gb");
        double tf32 = KernelModel.estimate(named("cutlass_80_tensorop_s1688gemm_256x128_32x3_nn_align4", 8192, 8192, 8192),
                a100).seconds();
        double simt = KernelModel.estimate(named("ampere_sgemm_128x128_nn", 8192, 8192, 8192), a100).seconds();
        double flops = 2.0 * 8192 * 8192 * 8192;
        // TF32 is eight times the FP32 peak on an A100; each is bounded by its own peak.
        assertThat(tf32).isGreaterThanOrEqualTo(flops / 156e12).isLessThan(simt / 3);
        assertThat(simt).isGreaterThanOrEqualTo(flops / 19.5e12).isLessThan(flops / 19.5e12 * 1.6);
    }

    @Test
    void aSkinnySgemmUsesTheNamedTileAndAGemvIsBandwidthBound() {
        HardwareProfile a100 = Profiles.bundled("a100-sxm-80gb");
        Estimate narrow = KernelModel.estimate(named("ampere_sgemm_32x128_nn", 2048, 32, 38377), a100);
        Estimate wide = KernelModel.estimate(named("ampere_sgemm_128x128_nn", 2048, 32, 38377), a100);
        assertThat(narrow.seconds()).isLessThan(wide.seconds());
        Estimate gemv = KernelModel.estimate(named("void gemvNSP_kernel<float, float, float, float, 1, 32, 4, 1024>",
                1, 32, 2048), a100);
        assertThat(gemv.model()).isEqualTo("gemv");
        assertThat(gemv.seconds()).isGreaterThanOrEqualTo((2048.0 * 32 + 2048 + 32) * 4 / a100.hbmBytesPerSecond());
    }

    @Test
    void nvjetSplitKKernelsLeaveTheirReductionToTheNextKernel() {
        assertThat(GemmKernelName.of("nvjet_sm90_tst_128x8_64x12_2x1_v_bz_splitK_TNT").splitK()).isTrue();
        assertThat(GemmKernelName.of("nvjet_sm90_tst_128x8_64x12_2x1_v_bz_TNT").splitK()).isFalse();
        // a decode step's projection (M = 4) from the H200 demo trace: streaming the weights dominates
        HardwareProfile h200 = Profiles.bundled("h200-sxm");
        SimulationRequest unnamed = Requests.gemm(4, 4096, 14336, DataType.BF16);
        SimulationRequest splitK = new SimulationRequest("nvjet_sm90_tst_128x8_64x12_2x1_v_bz_splitK_TNT",
                unnamed.kind(), unnamed.category(), unnamed.family(), unnamed.opMapping(), unnamed.operands(),
                unnamed.launch(), unnamed.collective(), unnamed.transfer(), unnamed.attributes());
        Estimate inKernel = KernelModel.estimate(unnamed, h200);
        Estimate separate = KernelModel.estimate(splitK, h200);
        double weights = 4096.0 * 14336 * 2;
        assertThat(separate.seconds()).isLessThan(inKernel.seconds())
                .isGreaterThanOrEqualTo(weights / h200.hbmBytesPerSecond());
    }

    private static SimulationRequest launched(String kernel, long batch, long m, long n, long k, long... grid) {
        List<io.flowsim.api.model.Operand> operands = batch == 1
                ? List.of(in("A", DataType.FP32, m, k), in("B", DataType.FP32, k, n))
                : List.of(in("A", DataType.FP32, batch, m, k), in("B", DataType.FP32, batch, k, n));
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE,
                batch == 1 ? OperationFamily.GEMM : OperationFamily.BMM, "mm", operands,
                Optional.of(new io.flowsim.api.model.LaunchConfig(new io.flowsim.api.model.Dim3(grid[0], grid[1], grid[2]),
                        new io.flowsim.api.model.Dim3(128, 1, 1), 0, 0)), Optional.empty(), Optional.empty(), Map.of());
    }

    @Test
    void cutlassNamesSayHowWideTheirLoadsAre() {
        GemmKernelName narrow = GemmKernelName.of("void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align1>"
                + "(cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align1::Params)");
        GemmKernelName wide = GemmKernelName.of("void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align4>"
                + "(cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align4::Params)");
        assertThat(narrow.alignment()).isEqualTo(1);
        assertThat(wide.alignment()).isEqualTo(4);
        // 4 FP32 elements are one 16-byte vector; 1 or 2 are not
        assertThat(narrow.narrowLoads(4)).isTrue();
        assertThat(wide.narrowLoads(4)).isFalse();
        assertThat(GemmKernelName.of("ampere_sgemm_128x64_nn").narrowLoads(4)).as("no alignment in the name").isFalse();

        // the same compute-bound GEMM (from the HTA rank-0 trace's shapes) is slower with narrow loads, and
        // neither beats the TF32 peak
        HardwareProfile a100 = Profiles.bundled("a100-sxm-80gb");
        double t1 = KernelModel.estimate(named("cutlass_80_tensorop_s1688gemm_128x128_16x4_nt_align1", 8192, 8192, 512),
                a100).seconds();
        double t4 = KernelModel.estimate(named("cutlass_80_tensorop_s1688gemm_128x128_16x4_nt_align4", 8192, 8192, 512),
                a100).seconds();
        assertThat(t1).isGreaterThan(t4 * 1.3);
        assertThat(t4).isGreaterThan(2.0 * 8192 * 8192 * 512 / 156e12);
    }

    @Test
    void aMisalignedOutputAloneNarrowsOnlyTheEpilogue() {
        // cuBLAS' view of C = A [M, K] x B [K, N]: its A is PyTorch's B (n: leading dimension N, t: K), its
        // B is PyTorch's A (n: K, t: M), and C's leading dimension is N. HTA rank 0's linear layers:
        // forward addmm [2048, 512] x [512, 3906] ran as tn_align1: both operands' leading dimension is
        // K = 512, a multiple of 4 floats; only the output's (3906) is not.
        GemmKernelName tn = GemmKernelName.of("void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_256x128_32x3_tn_align1>(P)");
        assertThat(tn.layout()).isEqualTo("tn");
        assertThat(tn.narrowOutputOnly(2048, 3906, 512, 4)).isTrue();
        // its backward [2048, 3906] x [3906, 512] (nn): cuBLAS' B (PyTorch's A) has leading dimension 3906
        GemmKernelName nn = GemmKernelName.of("cutlass_80_tensorop_s1688gemm_256x128_32x3_nn_align1");
        assertThat(nn.narrowOutputOnly(2048, 512, 3906, 4)).isFalse();
        // the weight gradient [512, 2048] x [2048, 2842] (nt): cuBLAS' A (PyTorch's B) has leading dimension 2842
        GemmKernelName nt = GemmKernelName.of("cutlass_80_tensorop_s1688gemm_128x128_32x3_nt_align1");
        assertThat(nt.narrowOutputOnly(512, 2842, 2048, 4)).isFalse();
        // everything aligned (so the misalignment is elsewhere, an offset), no layout or no narrow loads: not told
        assertThat(nt.narrowOutputOnly(8192, 8192, 512, 4)).isFalse();
        assertThat(GemmKernelName.of("cutlass_80_tensorop_s1688gemm_256x128_32x3_tn_align4").narrowOutputOnly(2048, 3906, 512, 4))
                .isFalse();
        assertThat(GemmKernelName.of("sm80_xmma_gemm_f32f32_tf32f32_f32_tn_n_tilesize128x128x16_align1").layout()).isEmpty();

        // Priced: the main loop keeps its full rate and each tile pays narrow_store_k more steps of K, so
        // against the aligned kernel the compute-bound time grows by at most (K + k0 + ks) / (K + k0), with
        // k0 the per-tile fill at the TF32 peak (tile_overhead_k * 156 / 312); the fixed latency and the
        // memory time only dilute it. A narrow main loop (the layout unknown) costs 1 / narrow_load_efficiency.
        HardwareProfile a100 = Profiles.bundled("a100-sxm-80gb");
        double aligned = KernelModel.estimate(named("cutlass_80_tensorop_s1688gemm_256x128_32x3_tn_align4", 2048, 3906, 512),
                a100).seconds();
        double outputOnly = KernelModel.estimate(named("cutlass_80_tensorop_s1688gemm_256x128_32x3_tn_align1", 2048, 3906, 512),
                a100).seconds();
        double unknown = KernelModel.estimate(named("cutlass_80_tensorop_s1688gemm_256x128_32x3_align1", 2048, 3906, 512),
                a100).seconds();
        double k0 = a100.get(Param.GEMM_TILE_OVERHEAD_K) * 156.0 / 312.0;
        double ks = a100.get(Param.GEMM_NARROW_STORE_K);
        assertThat(ks).isPositive();
        assertThat(outputOnly / aligned).isGreaterThan(1.05).isLessThanOrEqualTo((512 + k0 + ks) / (512 + k0) + 1e-9);
        assertThat(unknown).isGreaterThan(outputOnly * 1.3);
    }

    @Test
    void aCutlassKernelsGridTellsItsSplitOfK() {
        String name = "void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align1>(Params)";
        GemmKernelName kernel = GemmKernelName.of(name);
        // HTA rank 0: [20, 327680] x [327680, 606] ran as 4 x 2 tiles times 21 slices of K
        assertThat(GemmModel.launchedSplit(launched(name, 1, 20, 606, 327680, 4, 2, 21), kernel, 1)).isEqualTo(21);
        // a batched GEMM's z is its batch: no split
        assertThat(GemmModel.launchedSplit(launched(name, 2048, 606, 20, 160, 10, 1, 2048), kernel, 2048)).isEqualTo(1);
        // z not a multiple of the batch, no launch recorded, or not a CUTLASS kernel: not told
        assertThat(GemmModel.launchedSplit(launched(name, 2048, 606, 20, 160, 10, 1, 3), kernel, 2048)).isZero();
        assertThat(GemmModel.launchedSplit(named(name, 20, 606, 327680), kernel, 1)).isZero();
        assertThat(GemmModel.launchedSplit(launched("ampere_sgemm_128x64_nn", 1, 20, 606, 327680, 4, 2, 21),
                GemmKernelName.of("ampere_sgemm_128x64_nn"), 1)).isZero();
        // the split the kernel ran with is priced, not the best one the model would pick: 21 slices of
        // 15,604 steps of K over 8 tiles differ from the model's own choice
        HardwareProfile a100 = Profiles.bundled("a100-sxm-80gb");
        double asLaunched = KernelModel.estimate(launched(name, 1, 20, 606, 327680, 4, 2, 21), a100).seconds();
        double modelsChoice = KernelModel.estimate(named(name, 20, 606, 327680), a100).seconds();
        assertThat(asLaunched).isNotEqualTo(modelsChoice);
        GemmModel.Problem p = (GemmModel.Problem) GemmModel.parse(launched(name, 1, 20, 606, 327680, 4, 2, 21));
        assertThat(p.forcedSplit()).isEqualTo(21);
    }

    private static SimulationRequest elementwise(String kernel, long elements) {
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.ELEMENTWISE,
                "mul", List.of(in("input", DataType.BF16, elements), in("other", DataType.BF16, elements),
                Requests.out("output", DataType.BF16, elements)), Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of());
    }

    @Test
    void pytorchsVectorizedElementwiseKernelIsFasterThanItsGenericOne() {
        HardwareProfile h200 = Profiles.bundled("h200-sxm");
        for (long n : new long[] {1 << 10, 1 << 20, 1 << 26}) {
            double vectorized = KernelModel.estimate(elementwise(
                    "void at::native::vectorized_elementwise_kernel<4, at::native::BinaryFunctor<c10::BFloat16>>", n),
                    h200).seconds();
            double generic = KernelModel.estimate(elementwise(
                    "void at::native::elementwise_kernel<128, 4, gpu_kernel_impl_nocast<BinaryFunctor>>", n), h200)
                    .seconds();
            assertThat(vectorized).as("%d elements", n).isLessThan(generic)
                    .isGreaterThanOrEqualTo(3.0 * n * 2 / h200.hbmBytesPerSecond());
        }
        SimulationRequest any = elementwise("silu_and_mul_kernel", 1 << 20);
        assertThat(KernelModel.fitGroup(any, KernelModel.estimate(any, h200))).isEqualTo(Param.FitGroup.ELEMENTWISE);
    }

    @Test
    void normsOfManyNarrowRowsAreBoundByTheirRowsNotTheBandwidth() {
        HardwareProfile h200 = Profiles.bundled("h200-sxm");
        SimulationRequest perHead = Requests.kernel(OperationFamily.NORM, List.of(
                in("input", DataType.BF16, 4, 1024, 32, 128), in("weight", DataType.BF16, 128),
                Requests.out("output", DataType.BF16, 4, 1024, 32, 128)));
        SimulationRequest perToken = Requests.kernel(OperationFamily.NORM, List.of(
                in("input", DataType.BF16, 4096, 4096), in("weight", DataType.BF16, 4096),
                Requests.out("output", DataType.BF16, 4096, 4096)));
        Estimate heads = KernelModel.estimate(perHead, h200);
        Estimate tokens = KernelModel.estimate(perToken, h200);
        // The same bytes: 131,072 rows of 128 take longer than 4,096 rows of 4,096.
        assertThat(heads.bound()).isEqualTo("rows");
        assertThat(heads.seconds()).isGreaterThan(tokens.seconds());
        assertThat(tokens.seconds()).isGreaterThanOrEqualTo(2.0 * 4096 * 4096 * 2 / h200.hbmBytesPerSecond());
        // Profiles without the per-row parameters keep the bandwidth-only model.
        assertThat(KernelModel.estimate(perHead, Profiles.bundled("h100-sxm")).bound()).isNotEqualTo("rows");
    }
}
