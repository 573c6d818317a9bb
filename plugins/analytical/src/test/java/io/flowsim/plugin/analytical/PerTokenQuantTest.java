package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.Operand;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static io.flowsim.plugin.analytical.Requests.out;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * sgl-kernel's per-token FP8 quantization reads each token's row twice (absmax pass, then a scaling pass that
 * reloads it from global memory); the shapes are hand-picked (aiconfigurator's GEMM grid: 4,096 tokens of 8,192).
 */
class PerTokenQuantTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");

    private static SimulationRequest quantize(String kernelName, long tokens, long hidden) {
        List<Operand> operands = List.of(in("input", DataType.BF16, tokens, hidden),
                out("output", DataType.FP8_E4M3, tokens, hidden), out("scale", DataType.FP32, tokens, 1));
        return new SimulationRequest(kernelName, KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.ELEMENTWISE,
                "quantize", operands, Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    @Test
    void perTokenKernelReadsTheInputTwice() {
        long m = 4096;
        long k = 8192;
        Estimate e = MemoryModel.estimate(quantize("void per_token_quant_fp8_kernel<__nv_bfloat16, __nv_fp8_e4m3, 8, 16, false>",
                m, k), H100);
        // read bf16 twice, write fp8 once, one fp32 scale per token
        double bytes = m * k * 2.0 * 2 + m * k * 1.0 + m * 4.0;
        double expected = H100.get(Param.GEMM_FP8_QUANT_FIXED_LATENCY_US) * 1e-6
                + bytes / (H100.hbmBytesPerSecond() * H100.get(Param.GEMM_FP8_QUANT_MEMORY_EFFICIENCY));
        assertThat(e.seconds()).isCloseTo(expected, within(expected * 1e-9));
        assertThat(e.model()).isEqualTo("per-token-quant-fp8");
        assertThat(e.bound()).isEqualTo("memory");
    }

    @Test
    void smallBatchKernelAndTheMeasuredTablesNameAreTheSameModel() {
        Estimate kernel = MemoryModel.estimate(quantize("void per_token_quant_fp8_small_batch_kernel<__nv_bfloat16,"
                + " __nv_fp8_e4m3, 16>", 512, 4096), H100);
        Estimate table = MemoryModel.estimate(quantize("per_token_quant_fp8", 512, 4096), H100);
        assertThat(kernel.seconds()).isEqualTo(table.seconds());
        assertThat(kernel.model()).isEqualTo("per-token-quant-fp8");
    }

    @Test
    void perTokenGroupKernelReadsOnceWithItsOwnFixedCost() {
        long m = 4096;
        long k = 8192;
        Estimate group = MemoryModel.estimate(quantize("per_token_group_quant_fp8", m, k), H100);
        // one read of the bf16 input, the fp8 output and the fp32 scale, as the quantize request lists them
        double onePass = m * k * 2.0 + m * k * 1.0 + m * 4.0;
        double expected = H100.get(Param.GEMM_FP8_GROUP_QUANT_FIXED_LATENCY_US) * 1e-6
                + onePass / (H100.hbmBytesPerSecond() * H100.get(Param.GEMM_FP8_QUANT_MEMORY_EFFICIENCY));
        assertThat(group.model()).isEqualTo("per-token-group-quant-fp8");
        assertThat(group.seconds()).isCloseTo(expected, within(expected * 1e-9));
        // sgl-kernel's kernel as a trace names it is the same model
        Estimate traced = MemoryModel.estimate(quantize(
                "void per_token_group_quant_8bit_kernel<__nv_bfloat16, c10::Float8_e4m3fn, false>", m, k), H100);
        assertThat(traced.seconds()).isEqualTo(group.seconds());
        // its fixed cost is its own, not the per-token kernel's
        double[] values = H100.parameters();
        values[Param.GEMM_FP8_QUANT_FIXED_LATENCY_US.ordinal()] = 20;
        SimulationRequest small = quantize("per_token_group_quant_fp8", 1, 128);
        assertThat(MemoryModel.estimate(small, H100.withParameters(values)).seconds())
                .isEqualTo(MemoryModel.estimate(small, H100).seconds());
    }

    @Test
    void perTokenKernelHasItsOwnBandwidthShare() {
        // the two parameters are the per-token kernel's own: moving the elementwise ones leaves it alone
        double[] values = H100.parameters();
        values[Param.ELEMENTWISE_MEMORY_EFFICIENCY.ordinal()] = 0.2;
        values[Param.ELEMENTWISE_FIXED_LATENCY_US.ordinal()] = 20;
        HardwareProfile slowElementwise = H100.withParameters(values);
        SimulationRequest r = quantize("per_token_quant_fp8", 4096, 8192);
        assertThat(MemoryModel.estimate(r, slowElementwise).seconds()).isEqualTo(MemoryModel.estimate(r, H100).seconds());
        values[Param.GEMM_FP8_QUANT_MEMORY_EFFICIENCY.ordinal()] = 0.4;
        values[Param.GEMM_FP8_QUANT_FIXED_LATENCY_US.ordinal()] = 5;
        double bytes = 4096 * 8192 * 5.0 + 4096 * 4.0;
        double expected = 5e-6 + bytes / (H100.hbmBytesPerSecond() * 0.4);
        assertThat(MemoryModel.estimate(r, H100.withParameters(values)).seconds())
                .isCloseTo(expected, within(expected * 1e-9));
    }
}
