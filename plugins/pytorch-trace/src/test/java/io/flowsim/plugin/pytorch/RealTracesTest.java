package io.flowsim.plugin.pytorch;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.Trace;
import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.Linkage;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.ShapeSource;
import io.flowsim.api.model.TraceMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The linking counts of trace-format.md §8.5, measured there independently on the shipped traces
 * by reading every event, reproduced by the parser; and every GPU activity of each trace emitted.
 */
class RealTracesTest {

    /**
     * One row of §8.5 plus the dialect and the event counts of shared/data/traces/README.txt.
     */
    record Expected(String file, String dialect, long kernels, long memcpy, long memset, long launchByCorrelation,
                    long withExternalId, long externalIdMatchesCpuOp, long externalIdEqualsCorrelation,
                    long launchNestedInCpuOp, long runtime, long runtimeExternalIdEqualsCorrelation,
                    long runtimeNestedInCpuOp, long runtimeNestedInCpuOpOrAnnotation, long flowStarts, long flowEnds) {
    }

    static Stream<Arguments> traces() {
        return Stream.of(
                new Expected(SharedData.H200, "kineto-new-external-id", 664, 146, 43, 664, 641, 641, 0, 641, 1742, 0,
                        1549, 1566, 1022, 1573),
                new Expected(SharedData.NCCL_DATA, "kineto-new-external-id", 2700, 960, 114, 2700, 2700, 2700, 0, 2700,
                        8740, 113, 8628, 8676, 3862, 8652),
                new Expected(SharedData.NEGATIVE_QUEUE, "kineto-old-external-id", 6080, 1390, 277, 5375, 6080, 0, 6080,
                        5285, 33924, 33924, 33494, 33604, 6600, 35071),
                new Expected(SharedData.SAMPLED_RANK0, "kineto-old-external-id", 1154, 40, 10, 1154, 1154, 0, 1154, 1138,
                        1204, 1204, 1188, 1204, 0, 0),
                new Expected(SharedData.SAMPLED_RANK1, "kineto-old-external-id", 1104, 40, 10, 1104, 1104, 0, 1104, 1088,
                        1154, 1154, 1138, 1154, 0, 0),
                new Expected(SharedData.TRITON_EXAMPLE, "kineto-new-external-id", 1, 0, 0, 1, 1, 1, 0, 1, 2, 0, 1, 1, 2, 1))
                .map(e -> Arguments.of(e.file().substring(e.file().lastIndexOf('/') + 1), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void linkingCountsOfTraceFormat85(String name, Expected e) {
        Traces.Parsed p = Traces.parse(SharedData.require(e.file()));
        assertThat(p.trace().metadata().properties().get(TraceMetadata.DIALECT)).isEqualTo(e.dialect());
        assertThat(p.stat("kernels")).isEqualTo(e.kernels());
        assertThat(p.stat("kernels.launch.by_correlation")).isEqualTo(e.launchByCorrelation());
        assertThat(p.stat("kernels.launch.missing")).isEqualTo(e.kernels() - e.launchByCorrelation());
        assertThat(p.stat("kernels.with_external_id")).isEqualTo(e.withExternalId());
        assertThat(p.stat("kernels.external_id_matches_cpu_op")).isEqualTo(e.externalIdMatchesCpuOp());
        assertThat(p.stat("kernels.external_id_equals_correlation")).isEqualTo(e.externalIdEqualsCorrelation());
        assertThat(p.stat("kernels.launch_nested_in_cpu_op")).isEqualTo(e.launchNestedInCpuOp());
        assertThat(p.stat("runtime.events")).isEqualTo(e.runtime());
        assertThat(p.stat("runtime.external_id_equals_correlation")).isEqualTo(e.runtimeExternalIdEqualsCorrelation());
        assertThat(p.stat("runtime.nested_in_cpu_op")).isEqualTo(e.runtimeNestedInCpuOp());
        assertThat(p.stat("runtime.nested_in_cpu_op_or_annotation")).isEqualTo(e.runtimeNestedInCpuOpOrAnnotation());
        assertThat(p.stat("events.launch_flow_start")).isEqualTo(e.flowStarts());
        assertThat(p.stat("events.launch_flow_end")).isEqualTo(e.flowEnds());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void everyGpuActivityIsEmittedWithItsKindInStartOrder(String name, Expected e) {
        Traces.Parsed p = Traces.parse(SharedData.require(e.file()));
        assertThat(p.records().stream().filter(r -> r.kind() == KernelKind.KERNEL)).hasSize((int) e.kernels());
        assertThat(p.records().stream().filter(r -> r.kind() == KernelKind.MEMCPY)).hasSize((int) e.memcpy());
        assertThat(p.records().stream().filter(r -> r.kind() == KernelKind.MEMSET)).hasSize((int) e.memset());
        for (int i = 0; i < p.records().size(); i++) {
            KernelRecord r = p.records().get(i);
            assertThat(r.index()).isEqualTo(i);
            if (i > 0) {
                assertThat(r.startNs()).isGreaterThanOrEqualTo(p.records().get(i - 1).startNs());
            }
            if (r.linkage().launchLink() == Linkage.LaunchLink.NONE || r.operator().isEmpty()) {
                assertThat(r.linkage().problem()).as("unlinked %s says why", r.name()).isPresent();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void operatorsComeFromExternalIdsOnlyInTheNewDialect(String name, Expected e) {
        Traces.Parsed p = Traces.parse(SharedData.require(e.file()));
        long byExternalId = p.stat("kernels.op.by_external_id");
        if (e.dialect().equals("kineto-old-external-id")) {
            assertThat(byExternalId).isZero();
            assertThat(p.stat("kernels.op.by_nesting")).isEqualTo(e.launchNestedInCpuOp());
        } else {
            // every kernel whose External id names a cpu_op is linked through it (unless that op recorded no shapes
            // and a shape label stood in for it)
            assertThat(byExternalId + p.stat("kernels.op.by_annotation")).isGreaterThanOrEqualTo(e.externalIdMatchesCpuOp());
        }
        assertThat(p.stat("kernels.op.by_external_id") + p.stat("kernels.op.by_nesting")
                + p.stat("kernels.op.by_annotation") + p.stat("kernels.op.by_gpu_annotation")
                + p.stat("kernels.op.none")).isEqualTo(e.kernels());
    }

    /**
     * The HTA sampled traces' record_param_comms carry no collective arguments (an older PyTorch): the
     * size comes from the launching operator, the group from the all-gather's output/input ratio or the
     * trace's world size (128), and a TensorList all-reduce stays without a size.
     */
    @Test
    void collectivesWithoutArgumentsTakeTheirSizeFromTheLaunchingOperator() {
        Traces.Parsed p = Traces.parse(SharedData.require(SharedData.SAMPLED_RANK0));
        List<KernelRecord> nccl = p.records().stream().filter(r -> r.name().startsWith("ncclKernel")).toList();
        assertThat(nccl).hasSize(10);
        KernelRecord gather = nccl.stream().filter(r -> r.collective().isPresent()
                && r.collective().get().name().equals("_all_gather_base")).findFirst().orElseThrow();
        assertThat(gather.collective().get().outputElements()).isEqualTo(1_073_741_824L);
        assertThat(gather.collective().get().inputElements()).isEqualTo(16_777_216L);
        assertThat(gather.collective().get().groupSize()).isEqualTo(64);
        assertThat(gather.collective().get().processGroupDescription().orElseThrow()).contains("output / input");
        KernelRecord toAll = nccl.stream().filter(r -> r.collective().isPresent()
                && r.collective().get().name().equals("all_to_all")
                && r.collective().get().inputElements() == 419_430_400L).findFirst().orElseThrow();
        assertThat(toAll.collective().get().groupSize()).isEqualTo(128);
        assertThat(toAll.collective().get().dtype()).isEqualTo("unsigned char");
        assertThat(nccl.stream().filter(r -> r.collective().isEmpty()).count()).isEqualTo(4);
    }

    /**
     * In the negative_queue trace (a 16-GPU job) each reduce-scatter's {@code record_param_comms} records only
     * the input, [65536, 384] or [65536, 64] floats; the enclosing {@code c10d::_reduce_scatter_base_} records
     * the output [8192, ...] too, so the group is 65536 / 8192 = 8 GPUs, not the job's 16, and the buffer is
     * the input.
     */
    @Test
    void aReduceScatterTakesItsGroupFromTheEnclosingOperator() {
        Traces.Parsed p = Traces.parse(SharedData.require(SharedData.NEGATIVE_QUEUE));
        List<KernelRecord> scatters = p.records().stream().filter(r -> r.collective().isPresent()
                && r.collective().get().name().contains("reduce_scatter")).toList();
        assertThat(scatters).hasSize(10);
        for (KernelRecord r : scatters) {
            CollectiveInfo c = r.collective().get();
            assertThat(c.groupSize()).isEqualTo(8);
            assertThat(c.inputElements()).isIn(65_536L * 384, 65_536L * 64);
            assertThat(c.outputElements() * 8).isEqualTo(c.inputElements());
            assertThat(c.processGroupDescription().orElseThrow()).contains("c10d::_reduce_scatter_base_")
                    .contains("input / output");
        }
    }

    /**
     * A reduce-scatter whose operator records one tensor (record_param_comms records the input only) has it as
     * the full buffer: each of the n ranks keeps 1/n of it.
     */
    @Test
    void aReduceScatterWithOneRecordedTensorHasItAsItsInput() {
        OperatorCall op = new OperatorCall("record_param_comms", OptionalLong.empty(),
                List.of(new OperatorInput(Optional.empty(), "float", Dims.of(1024, 16), Dims.EMPTY, Optional.empty())),
                ShapeSource.PROFILER);
        CollectiveInfo c = CollectiveFallback.fromOperator("_reduce_scatter_base", op, 16, "the trace's world size");
        assertThat(c.inputElements()).isEqualTo(16_384);
        assertThat(c.outputElements()).isEqualTo(1_024);
        assertThat(c.groupSize()).isEqualTo(16);
    }

    /**
     * {@code --world-size} replaces the trace's world size (the job's 128 GPUs) for the collectives whose group
     * nothing else tells; the all-gather's group still comes from its own shapes.
     */
    @Test
    void worldSizeOptionGivesTheGroupOfCollectivesWithoutAProcessGroup() {
        RunContext eight = RunContext.of(Options.builder().add("pytorch-trace.world-size", "8").build(),
                Reporter.silent(), null);
        List<KernelRecord> nccl;
        try (Trace trace = new PyTorchTraceSource().open(SharedData.require(SharedData.SAMPLED_RANK0), eight)) {
            nccl = trace.kernels().filter(r -> r.name().startsWith("ncclKernel")).toList();
        }
        KernelRecord toAll = nccl.stream().filter(r -> r.collective().isPresent()
                && r.collective().get().name().equals("all_to_all")).findFirst().orElseThrow();
        assertThat(toAll.collective().get().groupSize()).isEqualTo(8);
        assertThat(toAll.collective().get().processGroupDescription().orElseThrow()).contains("--world-size");
        KernelRecord gather = nccl.stream().filter(r -> r.collective().isPresent()
                && r.collective().get().name().equals("_all_gather_base")).findFirst().orElseThrow();
        assertThat(gather.collective().get().groupSize()).isEqualTo(64);
    }

    @Test
    void aWorldSizeBelowOneIsAUsageError(@TempDir Path dir) throws IOException {
        Path trace = Files.writeString(dir.resolve("hand-made.json"), "{\"traceEvents\": []}");
        RunContext zero = RunContext.of(Options.builder().add("pytorch-trace.world-size", "0").build(),
                Reporter.silent(), null);
        assertThatThrownBy(() -> new PyTorchTraceSource().open(trace, zero))
                .isInstanceOfSatisfying(FlowsimException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("--world-size");
                });
    }
}
