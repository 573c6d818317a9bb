package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The math mode of FP32 operands when no kernel name tells it (a measured table of {@code torch.matmul} or
 * {@code conv2d} in fp32): PyTorch's defaults, {@code torch.backends.cuda.matmul.allow_tf32 = False} (CUDA-core SIMT
 * for matmuls) and {@code torch.backends.cudnn.allow_tf32 = True} (TF32 tensor cores for convolutions).
 */
class Fp32MathModeDefaultTest {

    private static final HardwareProfile A100 = Profiles.bundled("a100-sxm-80gb");

    private static SimulationRequest named(SimulationRequest r, String kernel) {
        return new SimulationRequest(kernel, r.kind(), r.category(), r.family(), r.opMapping(), r.operands(),
                r.launch(), r.collective(), r.transfer(), r.attributes());
    }

    private static SimulationRequest conv(String kernel) {
        // a ResNet-50 3x3 convolution, batch 32: M = 32*56*56, N = 64, K = 64*9
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.GEMM,
                "convolution", List.of(in("input", DataType.FP32, 32, 64, 56, 56), in("weight", DataType.FP32, 64, 64, 3, 3)),
                Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of("conv.stride", "1", "conv.padding", "1", "conv.dilation", "1", "conv.groups", "1"));
    }

    @Test
    void anUnnamedFp32MatmulRunsOnTheCudaCores() {
        SimulationRequest unnamed = named(Requests.gemm(4096, 4096, 4096, DataType.FP32), "aten::mm");
        GemmModel.Problem p = (GemmModel.Problem) GemmModel.parse(unnamed);
        assertThat(p.precision()).isEqualTo("fp32");
        double t = KernelModel.estimate(unnamed, A100).seconds();
        double flops = 2.0 * 4096 * 4096 * 4096;
        assertThat(t).isGreaterThan(flops / A100.peakFlops("fp32").getAsDouble());
        // the TF32 kernel of the same product is several times faster
        double tf32 = KernelModel.estimate(named(unnamed,
                "void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_128x128_32x3_nn_align4>(...)"), A100).seconds();
        assertThat(t).isGreaterThan(3 * tf32);
    }

    @Test
    void anUnnamedFp32ConvolutionRunsOnTheTf32TensorCores() {
        ConvolutionModel.Work unnamed = (ConvolutionModel.Work) ConvolutionModel.parse(conv("aten::conv2d"));
        assertThat(unnamed.gemm().precision()).isEqualTo("tf32");
        ConvolutionModel.Work simt = (ConvolutionModel.Work) ConvolutionModel.parse(conv("implicit_convolve_sgemm"));
        assertThat(simt.gemm().precision()).as("a named SIMT kernel stays on the CUDA cores").isEqualTo("fp32");
        assertThat(KernelModel.estimate(conv("aten::conv2d"), A100).seconds())
                .isLessThan(KernelModel.estimate(conv("implicit_convolve_sgemm"), A100).seconds() / 3);
    }

    @Test
    void withoutTf32TensorCoresTheUnnamedConvolutionFallsBackToTheCudaCores(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("v100.json");
        Files.writeString(file, """
                {"id": "v100-test", "name": "Tesla V100-SXM2-32GB", "sm_count": 80, \
                "peak_tflops": {"fp32": 15.7, "bf16": 125}, "hbm_bandwidth_gbps": 900, \
                "efficiency_from": "a100-sxm-80gb"}""");
        HardwareProfile v100 = ProfileFiles.read(file, id -> id.equals("a100-sxm-80gb") ? A100 : null).profile();
        Estimate e = KernelModel.estimate(conv("aten::conv2d"), v100);
        assertThat(e.supported()).isTrue();
        assertThat(e.seconds()).isEqualTo(KernelModel.estimate(conv("implicit_convolve_sgemm"), v100).seconds());
    }
}
