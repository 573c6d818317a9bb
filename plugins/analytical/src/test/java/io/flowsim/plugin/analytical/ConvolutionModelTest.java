package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Convolutions resolved into the GEMM they run as. The shapes are hand-made (ResNet-50 layers) and
 * every expected extent is computed by hand in the comments; no measurement of a convolution is
 * available to this project, so these tests check the resolution and that the GEMM model prices it,
 * not the accuracy.
 */
class ConvolutionModelTest {

    private static final HardwareProfile A100 = Profiles.bundled("a100-sxm-80gb");

    private static SimulationRequest conv(String kernel, String opMapping, List<Operand> operands, String... attrs) {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < attrs.length; i += 2) {
            a.put(attrs[i], attrs[i + 1]);
        }
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.GEMM, opMapping,
                operands, Optional.empty(), Optional.empty(), Optional.empty(), a);
    }

    /** ResNet-50's stem: 7x7 stride 2 padding 3 over a 224x224 image, 64 filters, batch 32. */
    private static SimulationRequest stem(String kernel, DataType t) {
        return conv(kernel, "convolution", List.of(in("input", t, 32, 3, 224, 224), in("weight", t, 64, 3, 7, 7)),
                "conv.stride", "[2, 2]", "conv.padding", "[3, 3]", "conv.dilation", "[1, 1]", "conv.groups", "1",
                "conv.transposed", "false");
    }

    private static ConvolutionModel.Work work(SimulationRequest r) {
        Object parsed = ConvolutionModel.parse(r);
        assertThat(parsed).as("parsed, not %s", parsed).isInstanceOf(ConvolutionModel.Work.class);
        return (ConvolutionModel.Work) parsed;
    }

    @Test
    void forwardIsTheGemmOfOutputPixelsByFiltersByTheWindow() {
        // P = Q = (224 + 2*3 - 1*(7-1) - 1) / 2 + 1 = 112; M = 32*112*112, N = 64, K = 3*7*7 = 147
        ConvolutionModel.Work w = work(stem("sm80_xmma_fprop_implicit_gemm_tf32f32_tf32f32_f32_nhwckrsc_nchw"
                + "_tilesize128x128x16_stage4_warpsize2x2x1_g1_tensor16x8x8_execute_kernel__5x_cudnn", DataType.FP32));
        GemmModel.Problem p = w.gemm();
        assertThat(w.model()).isEqualTo("conv-fprop");
        assertThat(new long[] {p.batch(), p.m(), p.n(), p.k()}).containsExactly(1, 32L * 112 * 112, 64, 147);
        assertThat(p.precision()).as("the name says TF32 tensor cores").isEqualTo("tf32");
        // the tensors, not the im2col matrix: input 32*3*224*224, weight 64*3*7*7, output 32*64*112*112 fp32
        assertThat(p.trafficBytes()).isEqualTo(4.0 * (32L * 3 * 224 * 224 + 64 * 3 * 7 * 7 + 32L * 64 * 112 * 112));
    }

    @Test
    void theConvolutionCostsWhatItsGemmCostsWithItsOwnTraffic() {
        SimulationRequest r = stem("implicit_convolve_sgemm", DataType.FP32);
        ConvolutionModel.Work w = work(r);
        assertThat(w.gemm().precision()).as("sgemm runs on the CUDA cores").isEqualTo("fp32");
        Estimate conv = KernelModel.estimate(r, A100);
        Estimate gemm = GemmModel.time(w.gemm(), A100);
        assertThat(conv.supported()).isTrue();
        assertThat(conv.model()).isEqualTo("conv-fprop");
        assertThat(conv.seconds()).isEqualTo(gemm.seconds());
        // never faster than the FP32 peak allows: 2*M*N*K FLOPs at 19.5 TFLOP/s
        double flops = 2.0 * 32 * 112 * 112 * 64 * 147;
        assertThat(conv.seconds()).isGreaterThan(flops / A100.peakFlops("fp32").getAsDouble());
    }

    @Test
    void stringPaddingAndSingleValuesExpandToEveryDimension() {
        // 3x3, padding 'same', stride 1: P = Q = 56; M = 8*56*56, N = 256, K = 64*9
        ConvolutionModel.Work same = work(conv("sm80_xmma_fprop_implicit_gemm_bf16bf16_bf16f32_f32", "convolution",
                List.of(in("input", DataType.BF16, 8, 64, 56, 56), in("weight", DataType.BF16, 256, 64, 3, 3)),
                "conv.stride", "1", "conv.padding", "same", "conv.dilation", "1", "conv.groups", "1"));
        assertThat(new long[] {same.gemm().m(), same.gemm().n(), same.gemm().k()}).containsExactly(8L * 56 * 56, 256, 576);
        // dilation 2, padding 0: P = (56 - 2*(3-1) - 1) / 1 + 1 = 52
        ConvolutionModel.Work dilated = work(conv("cutlass_tensorop_bf16_fprop", "convolution",
                List.of(in("input", DataType.BF16, 8, 64, 56, 56), in("weight", DataType.BF16, 256, 64, 3, 3)),
                "conv.stride", "[1, 1]", "conv.padding", "[0, 0]", "conv.dilation", "[2, 2]", "conv.groups", "1"));
        assertThat(dilated.gemm().m()).isEqualTo(8L * 52 * 52);
    }

    @Test
    void backwardKernelsTakeTheirPassFromTheNameAndTheOutputFromGradOutput() {
        List<Operand> operands = List.of(in("grad_output", DataType.BF16, 32, 128, 28, 28),
                in("input", DataType.BF16, 32, 64, 56, 56), in("weight", DataType.BF16, 128, 64, 3, 3));
        String[] attrs = {"conv.stride", "[2, 2]", "conv.padding", "[1, 1]", "conv.dilation", "[1, 1]", "conv.groups",
            "1"};
        // data gradient: M = 32*56*56 input pixels, N = 64 channels, K = 128*3*3
        ConvolutionModel.Work d = work(conv("sm80_xmma_dgrad_implicit_gemm_bf16bf16_bf16f32_f32_nhwckrsc_nhwc",
                "convolution_backward", operands, attrs));
        assertThat(d.model()).isEqualTo("conv-dgrad");
        assertThat(new long[] {d.gemm().m(), d.gemm().n(), d.gemm().k()}).containsExactly(32L * 56 * 56, 64, 1152);
        // weight gradient: M = 128 filters, N = 64*3*3, K = 32*28*28 output pixels
        ConvolutionModel.Work w = work(conv("sm80_xmma_wgrad_implicit_gemm_bf16bf16_bf16f32_f32_nhwckrsc_nhwc",
                "convolution_backward", operands, attrs));
        assertThat(w.model()).isEqualTo("conv-wgrad");
        assertThat(new long[] {w.gemm().m(), w.gemm().n(), w.gemm().k()}).containsExactly(128, 576, 32L * 28 * 28);
        // a backward kernel whose name does not say which gradient is not guessed
        assertThat(ConvolutionModel.parse(conv("implicit_convolve_sgemm", "convolution", operands, attrs)))
                .isEqualTo("a convolution backward kernel whose name says neither dgrad nor wgrad");
    }

    @Test
    void groupsBatchTheGemmAndDepthwiseIsPricedByItsBytes() {
        // ResNeXt: 32 groups of 4 channels... here 8 groups: C = 128, C/g = 16, K = 256, K/g = 32
        ConvolutionModel.Work grouped = work(conv("sm80_xmma_fprop_implicit_gemm_bf16bf16_bf16f32_f32", "convolution",
                List.of(in("input", DataType.BF16, 4, 128, 14, 14), in("weight", DataType.BF16, 256, 16, 3, 3)),
                "conv.stride", "[1, 1]", "conv.padding", "[1, 1]", "conv.groups", "8"));
        assertThat(new long[] {grouped.gemm().batch(), grouped.gemm().m(), grouped.gemm().n(), grouped.gemm().k()})
                .containsExactly(8, 4L * 14 * 14, 32, 144);
        // groups recorded against the shapes: 128 channels over weight's 16 per group is 8, not 4
        assertThat((String) ConvolutionModel.parse(conv("sm80_xmma_fprop_implicit_gemm_bf16", "convolution",
                List.of(in("input", DataType.BF16, 4, 128, 14, 14), in("weight", DataType.BF16, 256, 16, 3, 3)),
                "conv.stride", "1", "conv.padding", "1", "conv.groups", "4"))).startsWith("groups 4 do not fit");
        // depthwise (one channel per group): the GEMV path, bound by its bytes on an A100
        SimulationRequest depthwise = conv("sm80_xmma_fprop_implicit_gemm_bf16", "convolution",
                List.of(in("input", DataType.BF16, 64, 512, 28, 28), in("weight", DataType.BF16, 512, 1, 3, 3)),
                "conv.stride", "1", "conv.padding", "1", "conv.groups", "512");
        assertThat(work(depthwise).model()).isEqualTo("conv-depthwise");
        Estimate e = KernelModel.estimate(depthwise, A100);
        double bytes = 2.0 * (64L * 512 * 28 * 28 * 2 + 512 * 9);
        assertThat(e.bound()).isEqualTo("memory");
        assertThat(e.seconds()).isGreaterThan(bytes / A100.hbmBytesPerSecond());
    }

    @Test
    void fusedWinogradIsSixteenGemmsOverTwoByTwoTiles() {
        // F(2x2, 3x3): 56x56 output in 28x28 tiles of 2x2; 16 GEMMs of M = 8*28*28, N = 256, K = 64
        ConvolutionModel.Work w = work(conv("cudnn::winograd::winograd3x3Kernel<float, float, 2, 4, 8, false>", "convolution",
                List.of(in("input", DataType.FP32, 8, 64, 56, 56), in("weight", DataType.FP32, 256, 64, 3, 3)),
                "conv.stride", "[1, 1]", "conv.padding", "[1, 1]", "conv.dilation", "[1, 1]", "conv.groups", "1"));
        assertThat(w.model()).isEqualTo("conv-winograd");
        assertThat(new long[] {w.gemm().batch(), w.gemm().m(), w.gemm().n(), w.gemm().k()})
                .containsExactly(16, 8L * 28 * 28, 256, 64);
        double direct = 2.0 * 8 * 56 * 56 * 256 * 64 * 9;
        double winograd = 2.0 * w.gemm().batch() * w.gemm().m() * w.gemm().n() * w.gemm().k();
        assertThat(direct / winograd).as("the 2.25x fewer multiplications of F(2x2, 3x3)").isCloseTo(2.25, within(1e-9));
    }

    @Test
    void whatCannotBeToldIsUnsupportedWithItsReason() {
        List<Operand> ops = List.of(in("input", DataType.FP32, 8, 64, 56, 56), in("weight", DataType.FP32, 256, 64, 3, 3));
        // no Concrete Inputs (older PyTorch): the output size is unknown
        assertThat((String) ConvolutionModel.parse(conv("implicit_convolve_sgemm", "convolution", ops)))
                .contains("stride and padding were not recorded");
        assertThat((String) ConvolutionModel.parse(conv("fft2d_r2c_32x32", "convolution", ops, "conv.stride", "1",
                "conv.padding", "1"))).contains("FFT convolution kernels");
        assertThat((String) ConvolutionModel.parse(conv("implicit_convolve_sgemm", "convolution", ops, "conv.stride", "1",
                "conv.padding", "1", "conv.transposed", "true"))).contains("transposed");
        assertThat((String) ConvolutionModel.parse(conv("implicit_convolve_sgemm", "convolution", ops, "conv.stride",
                "[1, x]", "conv.padding", "1"))).contains("cannot read the convolution's stride");
        assertThat((String) ConvolutionModel.parse(conv("implicit_convolve_sgemm", "convolution", List.of()))).isEqualTo(
                "no operand shapes");
        assertThat(KernelModel.estimate(conv("implicit_convolve_sgemm", "convolution", ops), A100).supported()).isFalse();
        // cuDNN's helper kernels match the dgrad/wgrad names but are not the GEMM (the names are from the
        // HTA nccl_parser_config trace)
        assertThat((String) ConvolutionModel.parse(conv("void cudnn::cnn::reduce_wgrad_nchw_helper<float, float>",
                "convolution_backward", List.of(in("grad_output", DataType.FP32, 8, 256, 56, 56),
                        in("input", DataType.FP32, 8, 64, 56, 56), in("weight", DataType.FP32, 256, 64, 3, 3)),
                "conv.stride", "1", "conv.padding", "1"))).contains("helper kernel");
    }

    @Test
    void cudnnsCutlassConvolutionKernelsRunOnTf32TensorCores() {
        // a kernel name of the HTA nccl_parser_config trace: s1688 is the TF32 m16n8k8 MMA
        ConvolutionModel.Work w = work(conv("void cutlass_cudnn_infer::Kernel<cutlass_tensorop_s1688fprop_optimized_tf32_64x64_16x10_nhwc_align4>",
                "convolution", List.of(in("input", DataType.FP32, 8, 64, 56, 56), in("weight", DataType.FP32, 64, 64, 3, 3)),
                "conv.stride", "1", "conv.padding", "1"));
        assertThat(w.gemm().precision()).isEqualTo("tf32");
        assertThat(GemmKernelName.of("void cutlass_cudnn_infer::Kernel<cutlass_tensorop_s1688dgrad_optimized_64x64>").mode())
                .isEqualTo(GemmKernelName.MathMode.TF32);
    }

    @Test
    void threeDimensionalConvolutionsCountEverySpatialDimension() {
        // 3x3x3, stride 1, padding 1 over 16x32x32: output 16x32x32; M = 2*16*32*32, N = 64, K = 32*27
        ConvolutionModel.Work w = work(conv("sm80_xmma_fprop_implicit_gemm_indexed_bf16", "convolution",
                List.of(in("input", DataType.BF16, 2, 32, 16, 32, 32), in("weight", DataType.BF16, 64, 32, 3, 3, 3)),
                "conv.stride", "[1, 1, 1]", "conv.padding", "[1, 1, 1]", "conv.dilation", "[1, 1, 1]"));
        assertThat(new long[] {w.gemm().m(), w.gemm().n(), w.gemm().k()}).containsExactly(2L * 16 * 32 * 32, 64, 864);
    }
}
