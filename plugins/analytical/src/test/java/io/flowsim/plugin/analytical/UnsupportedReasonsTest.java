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
import static org.assertj.core.api.Assertions.assertThat;

/** Requests a model cannot answer get an explicit reason, never a guess. */
class UnsupportedReasonsTest {

    private static final HardwareProfile H100 = Profiles.bundled("h100-sxm");

    private static String reason(SimulationRequest r) {
        Estimate e = KernelModel.estimate(r, H100);
        assertThat(e.supported()).as("expected unsupported").isFalse();
        return e.reason();
    }

    @Test
    void everyFamilyWithoutShapesSaysSo() {
        for (OperationFamily f : List.of(OperationFamily.GEMM, OperationFamily.BMM, OperationFamily.ATTENTION,
                OperationFamily.MOE, OperationFamily.NORM, OperationFamily.ELEMENTWISE, OperationFamily.COPY)) {
            assertThat(reason(Requests.kernel(f, List.of()))).as(f.id()).isEqualTo("no operand shapes");
        }
    }

    @Test
    void gemmOperandsMustAgree() {
        assertThat(reason(Requests.kernel(OperationFamily.GEMM, List.of(in("A", DataType.BF16, 4, 8),
                in("B", DataType.BF16, 16, 4))))).contains("disagree on K");
        assertThat(reason(Requests.kernel(OperationFamily.GEMM, List.of(in("x", DataType.BF16, 4, 8)))))
                .contains("A [..., M, K] and B [..., K, N]");
        assertThat(reason(Requests.kernel(OperationFamily.GEMM, List.of(in("A", DataType.UNKNOWN, 4, 8),
                in("B", DataType.UNKNOWN, 8, 4))))).contains("types");
    }

    @Test
    void decodeAttentionNeedsTheCachedLength() {
        SimulationRequest r = Requests.kernel(OperationFamily.ATTENTION, List.of(in("q", DataType.BF16, 8, 32, 128),
                in("kv_cache", DataType.BF16, 1000, 2, 8, 128)), "attention.phase", "decode");
        assertThat(reason(r)).contains("attention.kv_len");
        assertThat(reason(Requests.kernel(OperationFamily.ATTENTION, List.of(in("q", DataType.BF16, 8, 128)))))
                .contains("q [num_tokens, num_heads, head_dim]");
    }

    @Test
    void aRaggedPrefillNeedsItsNumberOfSequences() {
        SimulationRequest ragged = Requests.kernel(OperationFamily.ATTENTION, List.of(
                in("q", DataType.BF16, 8192, 32, 192), in("k", DataType.BF16, 8192, 32, 192),
                in("v", DataType.BF16, 8192, 32, 128)), "attention.phase", "prefill");
        assertThat(reason(ragged)).contains("ragged prefill of 8192 tokens").contains("qo_indptr");
        SimulationRequest withOffsets = Requests.kernel(OperationFamily.ATTENTION, List.of(
                in("q", DataType.BF16, 8192, 32, 192), in("k", DataType.BF16, 8192, 32, 192),
                in("v", DataType.BF16, 8192, 32, 128), in("qo_indptr", DataType.INT32, 9)), "attention.phase", "prefill");
        Estimate e = KernelModel.estimate(withOffsets, H100);
        assertThat(e.supported()).isTrue();
        // Eight sequences of 1024 tokens: an eighth of the causal work of one sequence of 8192.
        SimulationRequest single = Requests.kernel(OperationFamily.ATTENTION, List.of(
                in("q", DataType.BF16, 8192, 32, 192), in("k", DataType.BF16, 8192, 32, 192),
                in("v", DataType.BF16, 8192, 32, 128)), "attention.phase", "prefill", "attention.batch", 1);
        assertThat(KernelModel.estimate(single, H100).seconds()).isGreaterThan(4 * e.seconds());
    }

    @Test
    void moeNeedsTopKAndKnownWords() {
        SimulationRequest noTopK = Requests.kernel(OperationFamily.MOE, List.of(in("hidden", DataType.BF16, 8, 64),
                in("w1", DataType.BF16, 4, 128, 64), in("w2", DataType.BF16, 4, 64, 64)), "moe.stage", "gate_up");
        assertThat(reason(noTopK)).contains("moe.top_k");
        SimulationRequest badStage = Requests.moe(8, 64, 64, 4, 2, DataType.BF16, "sideways");
        assertThat(reason(badStage)).contains("unknown moe.stage");
    }

    @Test
    void collectivesNeedTheirArguments() {
        SimulationRequest bare = new SimulationRequest("ncclDevKernel_AllReduce_Sum_bf16_RING_LL", KernelKind.KERNEL,
                KernelCategory.COMMUNICATION, OperationFamily.COLLECTIVE, "", List.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Map.of());
        assertThat(reason(bare)).contains("without its size").contains("record_param_comms");
        SimulationRequest wide = new SimulationRequest("ncclKernel_SendRecv_RING_SIMPLE_Sum_int8_t", KernelKind.KERNEL,
                KernelCategory.COMMUNICATION, OperationFamily.COLLECTIVE, "", List.of(), Optional.empty(),
                Optional.of(new io.flowsim.api.model.CollectiveInfo("all_to_all", 1 << 20, 1 << 20, 128, "float",
                        Optional.empty(), Optional.of("group size 128 from the trace's world size"), List.of())),
                Optional.empty(), Map.of());
        // the H100 SXM profile describes its network (one 400 Gb/s NIC per GPU), the H100 PCIe card's does not
        assertThat(KernelModel.estimate(wide, H100).supported()).isTrue();
        Estimate noNetwork = KernelModel.estimate(wide, Profiles.bundled("h100-pcie"));
        assertThat(noNetwork.supported()).isFalse();
        assertThat(noNetwork.reason()).contains("128 GPUs").contains("world size").contains("spans 16 nodes")
                .contains("internode_bandwidth_gbps");
        SimulationRequest custom = new SimulationRequest("cross_device_reduce_1stage", KernelKind.KERNEL,
                KernelCategory.COMMUNICATION, OperationFamily.COLLECTIVE, "", List.of(new Operand("inp",
                io.flowsim.api.model.Direction.INPUT, List.of(32L, 7168L), DataType.BF16, "")), Optional.empty(),
                Optional.empty(), Optional.empty(), Map.of());
        assertThat(reason(custom)).contains("collective.group_size");
    }

    @Test
    void memcpyWithoutBytesAndUnknownFamilies() {
        SimulationRequest memcpy = new SimulationRequest("Memcpy", KernelKind.MEMCPY, KernelCategory.MEMORY,
                OperationFamily.COPY, "", List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
        assertThat(reason(memcpy)).contains("without a byte count");
        assertThat(reason(Requests.kernel(OperationFamily.OTHER, List.of(in("x", DataType.BF16, 8)))))
                .contains("no model for this family").contains("its kernel database entry says 'other'");
    }

    @Test
    void a100HasNoFp8() {
        Estimate e = KernelModel.estimate(Requests.gemm(64, 64, 64, DataType.FP8_E4M3), Profiles.bundled("a100-sxm-80gb"));
        assertThat(e.supported()).isFalse();
        assertThat(e.reason()).contains("a100-sxm-80gb").contains("fp8");
    }
}
