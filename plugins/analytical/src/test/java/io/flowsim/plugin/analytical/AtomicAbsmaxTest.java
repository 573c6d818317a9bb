package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dim3;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.LaunchConfig;
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
 * The absmax kernel of a dynamic per-tensor FP8 quantization folds a whole tensor into one scale with one atomic per
 * thread block: the atomics on that one address serialize, so a launch of one program per row (sglang's Triton
 * {@code _per_tensor_quant_mla_fp8_stage1}, grid {@code [tokens, heads]}) takes at least one
 * {@code same_address_atomic_ns} per program, while a block-reducing launch of a few hundred blocks streams its input.
 */
class AtomicAbsmaxTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");
    private static final String TRITON_STAGE1 = "_per_tensor_quant_mla_fp8_stage1";

    private static SimulationRequest absmax(String kernel, long rows, long cols, Dim3 grid) {
        return new SimulationRequest(kernel, KernelKind.KERNEL, KernelCategory.COMPUTE, OperationFamily.REDUCTION,
                "absmax", List.of(in("input", DataType.BF16, rows, cols), out("scale", DataType.FP32, 1)),
                grid == null ? Optional.empty() : Optional.of(new LaunchConfig(grid, new Dim3(128, 1, 1), 0, 0)),
                Optional.empty(), Optional.empty(), Map.of());
    }

    @Test
    void oneProgramPerRowPaysOneSerializedAtomicPerProgram() {
        // mla_gen_pre at 8,192 tokens and 128 heads: 1,048,576 rows of 128 bf16 (256 MiB in all)
        long rows = 8192L * 128;
        double t = KernelModel.estimate(absmax(TRITON_STAGE1, rows, 128, new Dim3(8192, 128, 1)), H100).seconds();
        double chain = rows * H100.get(Param.REDUCTION_SAME_ADDRESS_ATOMIC_NS) * 1e-9;
        double fixed = H100.get(Param.REDUCTION_FIXED_LATENCY_US) * 1e-6;
        assertThat(t).isCloseTo(fixed + chain, within(1e-9));
        double streaming = rows * 128 * 2 / (H100.hbmBytesPerSecond() * H100.get(Param.REDUCTION_MEMORY_EFFICIENCY));
        assertThat(chain).isGreaterThan(2 * streaming);
        // twice the rows, twice the chain
        double t2 = KernelModel.estimate(absmax(TRITON_STAGE1, 2 * rows, 128, new Dim3(16384, 128, 1)), H100)
                .seconds();
        assertThat(t2 - fixed).isCloseTo(2 * (t - fixed), within(1e-9));
    }

    @Test
    void aBlockReducingLaunchStreamsItsInput() {
        long rows = 8192L * 128;
        SimulationRequest few = absmax("void per_tensor_absmax_kernel<__nv_bfloat16>(...)", rows, 128,
                new Dim3(1024, 1, 1));
        SimulationRequest unlaunched = absmax(TRITON_STAGE1, rows, 128, null);
        double bandwidth = KernelModel.estimate(unlaunched, H100).seconds();
        assertThat(KernelModel.estimate(few, H100).seconds()).isCloseTo(bandwidth, within(1e-12));
        assertThat(bandwidth).isLessThan(KernelModel.estimate(
                absmax(TRITON_STAGE1, rows, 128, new Dim3(8192, 128, 1)), H100).seconds());
    }

    @Test
    void otherReductionsIgnoreTheAtomicChain() {
        SimulationRequest sum = new SimulationRequest("void at::native::reduce_kernel<512, 1>(...)", KernelKind.KERNEL,
                KernelCategory.COMPUTE, OperationFamily.REDUCTION, "sum",
                List.of(in("input", DataType.BF16, 1 << 20, 128), out("output", DataType.FP32, 1)),
                Optional.of(new LaunchConfig(new Dim3(1 << 20, 1, 1), new Dim3(128, 1, 1), 0, 0)),
                Optional.empty(), Optional.empty(), Map.of());
        double chain = (1 << 20) * H100.get(Param.REDUCTION_SAME_ADDRESS_ATOMIC_NS) * 1e-9;
        assertThat(KernelModel.estimate(sum, H100).seconds()).isLessThan(chain);
    }
}
