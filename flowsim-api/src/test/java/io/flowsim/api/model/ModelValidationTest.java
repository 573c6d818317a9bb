package io.flowsim.api.model;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelValidationTest {

    private static KernelRecord kernel(long start, long duration) {
        return KernelRecord.builder(0, "nvjet_tst_128x64").start(start).duration(duration).device(0).stream(7)
                .correlationId(42).build();
    }

    @Test
    void kernelRecordRejectsNegativeDurationsAndNulls() {
        assertThatThrownBy(() -> kernel(0, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nvjet_tst_128x64");
        assertThatThrownBy(() -> KernelRecord.builder(0, null).build()).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> KernelRecord.builder(-1, "k").build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void kernelRecordCopiesItsCollections() {
        List<String> stack = new ArrayList<>(List.of("cudaLaunchKernel", "aten::mm"));
        KernelRecord r = KernelRecord.builder(3, "k").callStack(stack).attribute("graph.id", "1").build();
        stack.add("mutated");
        assertThat(r.callStack()).containsExactly("cudaLaunchKernel", "aten::mm");
        assertThat(r.callStackString()).isEqualTo("cudaLaunchKernel <- aten::mm");
        assertThatThrownBy(() -> r.callStack().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(r.toBuilder().build()).isEqualTo(r);
    }

    @Test
    void endIsStartPlusDuration() {
        assertThat(kernel(1_000, 234).endNs()).isEqualTo(1_234);
    }

    @Test
    void dimsFormatLikePython() {
        Dims nested = new Dims.TensorList(List.of(Dims.of(1024, 7168), Dims.EMPTY, new Dims.TensorList(List.of(Dims.of(1)))));
        assertThat(Dims.of(1024, 7168).format()).isEqualTo("[1024, 7168]");
        assertThat(Dims.EMPTY.format()).isEqualTo("[]");
        assertThat(nested.format()).isEqualTo("[[1024, 7168], [], [[1]]]");
        assertThat(((Dims.Tensor) Dims.of(2, 3, 4)).elementCount()).isEqualTo(24);
    }

    @Test
    void checkedElementCountIsEmptyPastALongWhereThePlainCountWraps() {
        Dims.Tensor hostile = (Dims.Tensor) Dims.of(Long.MAX_VALUE, 4);
        assertThat(hostile.elementCount()).as("the plain product wraps").isNegative();
        assertThat(hostile.checkedElementCount()).isEmpty();
        assertThat(((Dims.Tensor) Dims.of(1L << 31, 1L << 31)).checkedElementCount()).hasValue(1L << 62);
        assertThat(((Dims.Tensor) Dims.of(1L << 31, 1L << 31, 2)).checkedElementCount()).as("2^63").isEmpty();
        assertThat(((Dims.Tensor) Dims.of(Long.MAX_VALUE, Long.MAX_VALUE, 0)).checkedElementCount()).hasValue(0);
        assertThat(((Dims.Tensor) Dims.EMPTY).checkedElementCount()).hasValue(1);
        assertThat(((Dims.Tensor) Dims.of(1024, 7168)).checkedElementCount()).hasValue(1024L * 7168);
    }

    @Test
    void anOperandCountsItsElementsExactlyOrIsRejected() {
        assertThatThrownBy(() -> new Operand("A", Direction.INPUT, List.of(Long.MAX_VALUE, 4L), DataType.BF16, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operand A")
                .hasMessageContaining("more elements than a long counts");
        Operand largest = new Operand("A", Direction.INPUT, List.of(Long.MAX_VALUE, 1L), DataType.BF16, "");
        assertThat(largest.elementCount()).isEqualTo(Long.MAX_VALUE);
        assertThat(largest.bytes()).isPositive();
    }

    @Test
    void simulationResultEnforcesStatusAndPredictionTogether() {
        assertThatThrownBy(() -> new SimulationResult(SimulationStatus.OK, OptionalLong.empty(), "", "b", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SimulationResult(SimulationStatus.FAILED, OptionalLong.of(5), "x", "b", Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulationResult.unsupported(" ", "b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulationResult.ok(-1, "b", Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(SimulationResult.ok(1500, "b", Map.of()).predictedNs()).hasValue(1500);
    }

    @Test
    void operandAndCollectiveRejectImpossibleValues() {
        assertThatThrownBy(() -> new Operand("A", Direction.INPUT, List.of(4L, -1L), DataType.BF16, ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A");
        assertThatThrownBy(() -> new CollectiveInfo("allreduce", 10, 10, 0, "BFloat16", Optional.empty(),
                Optional.empty(), List.of())).isInstanceOf(IllegalArgumentException.class);
        Operand a = new Operand("A", Direction.INPUT, List.of(1024L, 7168L), DataType.BF16, "");
        assertThat(a.elementCount()).isEqualTo(1024L * 7168);
        assertThat(a.bytes()).isEqualTo(1024.0 * 7168 * 2);
    }

    @Test
    void identicalKernelsGiveEqualSimulationRequestsWhateverTheirTiming() {
        Operand a = new Operand("A", Direction.INPUT, List.of(8L, 16L), DataType.BF16, "");
        KernelRecord first = KernelRecord.builder(0, "gemm").start(10).duration(5).correlationId(1).build();
        KernelRecord second = KernelRecord.builder(1, "gemm").start(99).duration(7).correlationId(2).stream(3).build();
        ResolvedKernel r1 = new ResolvedKernel(first, OperationFamily.GEMM, "matmul", "", "", List.of(), List.of(a),
                Resolution.unresolved(), Map.of());
        ResolvedKernel r2 = new ResolvedKernel(second, OperationFamily.GEMM, "matmul", "", "", List.of(), List.of(a),
                Resolution.unresolved(), Map.of());
        ResolvedKernel other = new ResolvedKernel(second, OperationFamily.GEMM, "matmul", "", "", List.of(),
                List.of(new Operand("A", Direction.INPUT, List.of(8L, 32L), DataType.BF16, "")),
                Resolution.unresolved(), Map.of());
        assertThat(SimulationRequest.of(r1)).isEqualTo(SimulationRequest.of(r2));
        assertThat(SimulationRequest.of(r1)).isNotEqualTo(SimulationRequest.of(other));
        assertThat(SimulationRequest.of(r1).operand("A")).contains(a);
    }

    @Test
    void unresolvedKernelsTakeTheirFamilyFromKindAndCategory() {
        assertThat(ResolvedKernel.unresolved(KernelRecord.builder(0, "Memcpy HtoD").kind(KernelKind.MEMCPY)
                .category(KernelCategory.MEMORY).build()).family()).isEqualTo(OperationFamily.COPY);
        assertThat(ResolvedKernel.unresolved(KernelRecord.builder(0, "Memset").kind(KernelKind.MEMSET)
                .category(KernelCategory.MEMORY).build()).family()).isEqualTo(OperationFamily.MEMSET);
        assertThat(ResolvedKernel.unresolved(KernelRecord.builder(0, "ncclDevKernel_AllReduce")
                .category(KernelCategory.COMMUNICATION).build()).family()).isEqualTo(OperationFamily.COLLECTIVE);
        ResolvedKernel other = ResolvedKernel.unresolved(KernelRecord.builder(0, "mystery").build());
        assertThat(other.family()).isEqualTo(OperationFamily.OTHER);
        assertThat(other.resolvedByDatabase()).isFalse();
    }

    @Test
    void errorPercentIsSignedAndUndefinedWithoutAPrediction() {
        KernelRecord r = kernel(0, 2_000);
        ResolvedKernel k = ResolvedKernel.unresolved(r);
        assertThat(new KernelResult(k, Optional.of(SimulationResult.ok(2_500, "b", Map.of()))).errorPercent())
                .hasValue(25.0);
        assertThat(new KernelResult(k, Optional.of(SimulationResult.ok(1_000, "b", Map.of()))).errorPercent())
                .hasValue(-50.0);
        assertThat(new KernelResult(k, Optional.empty()).errorPercent()).isEmpty();
        assertThat(new KernelResult(k, Optional.of(SimulationResult.unsupported("no shapes", "b"))).errorPercent())
                .isEmpty();
        assertThat(new KernelResult(ResolvedKernel.unresolved(kernel(0, 0)),
                Optional.of(SimulationResult.ok(5, "b", Map.of()))).errorPercent()).isEmpty();
    }

    @Test
    void hardwareTargetKnowsWhetherItIsTheTraceDevice() {
        DeviceInfo h200 = new DeviceInfo(0, "NVIDIA H200", 132, 150_110_666_752L, 9, 0, Map.of());
        assertThat(new HardwareTarget("NVIDIA H200", Optional.of(h200)).isTraceDevice()).isTrue();
        assertThat(new HardwareTarget("B200", Optional.of(h200)).isTraceDevice()).isFalse();
        assertThat(h200.computeCapability()).isEqualTo("9.0");
        assertThatThrownBy(() -> new HardwareTarget(" ", Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTargetTheBackendMatchedToTheTraceDeviceIsNoWhatIf() {
        DeviceInfo h200 = new DeviceInfo(0, "NVIDIA H200", 132, 150_110_666_752L, 9, 0, Map.of());
        HardwareTarget named = new HardwareTarget("H200", Optional.of(h200));
        assertThat(named.isTraceDevice()).isFalse();
        assertThat(named.isWhatIf()).isTrue();
        HardwareTarget same = named.asTraceDevice();
        assertThat(same.name()).isEqualTo("H200");
        assertThat(same.isTraceDevice()).isTrue();
        assertThat(same.isWhatIf()).isFalse();
        assertThat(new HardwareTarget("NVIDIA H200", Optional.of(h200)).isWhatIf()).isFalse();
        // no recorded GPU: nothing to project from, so no what-if either
        assertThat(new HardwareTarget("B200", Optional.empty()).isWhatIf()).isFalse();
        assertThatThrownBy(() -> new HardwareTarget("B200", Optional.empty()).asTraceDevice())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("B200");
    }

    @Test
    void measuredTableSkippedReasonsIterateInOneOrderWhateverTheCallersMap() {
        Map<String, Long> skipped = new HashMap<>();
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String reason = "reason " + (char) ('z' - i % 26) + i;
            reasons.add(reason);
            skipped.put(reason, (long) i + 1);
        }
        MeasuredTable table = new MeasuredTable(Path.of("t.csv"), "f", "gpu", 100, List.of(), skipped);
        assertThat(List.copyOf(table.skipped().keySet())).isEqualTo(reasons.stream().sorted().toList());
        assertThat(table.skippedRows()).isEqualTo(40 * 41 / 2);
        assertThatThrownBy(() -> table.skipped().put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
        Map<String, Long> withNull = new HashMap<>();
        withNull.put("a reason", null);
        assertThatThrownBy(() -> new MeasuredTable(Path.of("t.csv"), "f", "gpu", 1, List.of(), withNull))
                .isInstanceOf(NullPointerException.class);
    }
}
