package io.flowsim.plugin.analytical;

import io.flowsim.api.model.DataType;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.OperationFamily;
import io.flowsim.api.model.SimulationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.flowsim.plugin.analytical.Requests.in;
import static io.flowsim.plugin.analytical.Requests.out;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request whose implementation attribute names kernels the model has no model for (what the measured-tables
 * reader writes for TensorRT-LLM's attention, FlashAttention 4, FlashInfer's TRT-LLM-gen kernels, non-Triton MoE
 * and the frameworks' all-reduce dispatch) is unsupported with a reason naming that implementation, never priced as
 * the FA3 / Triton kernels the same shapes would otherwise get.
 */
class UnmodelledImplementationTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");

    private static SimulationRequest with(SimulationRequest r, String key, String value) {
        Map<String, String> attrs = new HashMap<>(r.attributes());
        attrs.put(key, value);
        return new SimulationRequest(r.kernelName(), r.kind(), r.category(), r.family(), r.opMapping(), r.operands(),
                r.launch(), r.collective(), r.transfer(), attrs);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "trtllm | no model for TensorRT-LLM's attention kernels (TrtllmAttention: fmha_v2 / trtllm-gen context FMHA,"
                + " XQA / MMHA decode",
        "trtllm-gen | no model for FlashInfer's TensorRT-LLM-gen attention kernels",
        "fa4 | no model for FlashAttention 4's attention kernels",
        "vllm_flex_attention | no model for the attention implementation 'vllm_flex_attention' (the model knows fa3,"})
    void attentionOfAnImplementationWithoutAModelIsUnsupportedNamingIt(String implementation, String reason) {
        for (SimulationRequest shape : List.of(Requests.prefill(2, 1024, 32, 8, 128),
                Requests.decode(8, 1024, 32, 8, 128))) {
            assertThat(KernelModel.estimate(shape, H100).supported()).isTrue();
            Estimate e = KernelModel.estimate(with(shape, "attention.implementation", implementation.trim()), H100);
            assertThat(e.supported()).isFalse();
            assertThat(e.reason()).startsWith(reason.trim());
        }
    }

    @Test
    void theImplementationsWithAModelAreStillPricedAsThemselves() {
        SimulationRequest prefill = Requests.prefill(2, 1024, 32, 8, 128);
        for (String id : List.of("fa3", "fa2", "flashinfer", "triton", "cudnn", "generic")) {
            assertThat(KernelModel.estimate(with(prefill, "attention.implementation", id), H100).supported()).as(id)
                    .isTrue();
        }
        // the generic id prices as a request without the attribute
        assertThat(KernelModel.estimate(with(prefill, "attention.implementation", "generic"), H100).seconds())
                .isEqualTo(KernelModel.estimate(prefill, H100).seconds());
    }

    @Test
    void moeOtherThanTheTritonKernelIsUnsupportedNamingIt() {
        SimulationRequest gateUp = Requests.moe(64, 4096, 1536, 128, 8, DataType.BF16, "gate_up");
        Estimate triton = KernelModel.estimate(with(gateUp, "moe.implementation", "triton"), H100);
        assertThat(triton.supported()).isTrue();
        assertThat(triton.seconds()).isEqualTo(KernelModel.estimate(gateUp, H100).seconds());
        Estimate cutlass = KernelModel.estimate(with(Requests.moe(64, 4096, 1536, 128, 8, DataType.BF16, "fused"),
                "moe.implementation", "sglang_flashinfer_cutlass_moe"), H100);
        assertThat(cutlass.supported()).isFalse();
        assertThat(cutlass.reason()).startsWith("no model for the MoE implementation 'sglang_flashinfer_cutlass_moe'");
    }

    @Test
    void aFrameworksAllReduceDispatchIsUnsupportedNamingTheFramework() {
        // the kernel name alone is sglang's custom all-reduce, which has a model
        SimulationRequest custom = new SimulationRequest("cross_device_reduce_1stage", KernelKind.KERNEL,
                KernelCategory.COMMUNICATION, OperationFamily.COLLECTIVE, "all_reduce",
                List.of(in("input", DataType.BF16, 1 << 20), out("output", DataType.BF16, 1 << 20)), Optional.empty(),
                Optional.empty(), Optional.empty(), Map.of("collective.group_size", "8"));
        assertThat(KernelModel.estimate(custom, H100).supported()).isTrue();
        Estimate trtllm = KernelModel.estimate(with(custom, "collective.implementation", "trtllm"), H100);
        assertThat(trtllm.supported()).isFalse();
        assertThat(trtllm.reason()).startsWith("no model for TensorRT-LLM's all-reduce");
        assertThat(KernelModel.estimate(with(custom, "collective.implementation", "vllm"), H100).reason())
                .startsWith("no model for vLLM's all-reduce");
    }
}
