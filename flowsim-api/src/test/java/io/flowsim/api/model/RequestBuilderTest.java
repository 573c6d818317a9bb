package io.flowsim.api.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RequestBuilderTest {

    @Test
    void theBuilderGivesTheSameRequestAsTheConstructor() {
        SimulationRequest built = SimulationRequest.builder("flash_fwd").family(OperationFamily.ATTENTION)
                .opMapping("attention").input(OperandRoles.Q, DataType.BF16, 128, 32, 128)
                .attribute(Attributes.ATTENTION_PHASE, "prefill").attribute(Attributes.ATTENTION_BATCH, 4L)
                .attribute(Attributes.ATTENTION_Q_LEN, 32.0).attribute(Attributes.ATTENTION_KV_LEN, 40.5)
                .attribute(Attributes.ATTENTION_CAUSAL, true).attribute(Attributes.ATTENTION_WINDOW, null).build();
        SimulationRequest direct = new SimulationRequest("flash_fwd", KernelKind.KERNEL, KernelCategory.COMPUTE,
                OperationFamily.ATTENTION, "attention",
                List.of(new Operand("q", Direction.INPUT, List.of(128L, 32L, 128L), DataType.BF16, "")),
                Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of("attention.phase", "prefill", "attention.batch", "4", "attention.q_len", "32",
                        "attention.kv_len", "40.5", "attention.causal", "true"));
        assertThat(built).isEqualTo(direct);
    }

    @Test
    void theTextOfARequestListsItsAttributesInKeyOrderWhateverTheOrderTheyCameIn() {
        SimulationRequest.Builder forward = SimulationRequest.builder("k");
        SimulationRequest.Builder backward = SimulationRequest.builder("k");
        for (int i = 0; i < 24; i++) {
            forward.attribute(String.format("key.%02d", i), "v" + i);
            backward.attribute(String.format("key.%02d", 23 - i), "v" + (23 - i));
        }
        String text = forward.build().toString();
        assertThat(backward.build().toString()).isEqualTo(text);
        StringBuilder sorted = new StringBuilder("attributes={");
        for (int i = 0; i < 24; i++) {
            sorted.append(i == 0 ? "" : ", ").append(String.format("key.%02d=v%d", i, i));
        }
        assertThat(text).endsWith(sorted.append("}]").toString()).startsWith("SimulationRequest[kernelName=k, kind=KERNEL");
    }

    @Test
    void typedKeysReadWhatResolversWrite() {
        SimulationRequest r = SimulationRequest.builder("k").attribute("moe.top_k", "8")
                .attribute("attention.q_len", "1.5").attribute("attention.causal", "yes")
                .attribute("attention.batch", "many").build();
        assertThat(r.attribute(Attributes.MOE_TOP_K)).contains(8L);
        assertThat(r.attribute(Attributes.ATTENTION_Q_LEN)).contains(1.5);
        assertThat(r.attribute(Attributes.ATTENTION_CAUSAL)).contains(true);
        // a value of the wrong type reads as unknown, and can be told apart from an absent one
        assertThat(r.attribute(Attributes.ATTENTION_BATCH)).isEmpty();
        assertThat(Attributes.ATTENTION_BATCH.isMalformedIn(r.attributes())).isTrue();
        assertThat(Attributes.MOE_STAGE.isMalformedIn(r.attributes())).isFalse();
    }

    @Test
    void aCollectiveIsACommunicationKernel() {
        CollectiveInfo info = new CollectiveInfo("allreduce", 1024, 1024, 8, "BFloat16", Optional.empty(),
                Optional.empty(), List.of());
        SimulationRequest r = SimulationRequest.builder("ncclDevKernel_AllReduce").collective(info).build();
        assertThat(r.category()).isEqualTo(KernelCategory.COMMUNICATION);
        assertThat(r.family()).isEqualTo(OperationFamily.COLLECTIVE);
        assertThat(r.collective()).contains(info);
    }
}
