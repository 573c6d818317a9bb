package io.flowsim.plugin.pytorch;

import io.flowsim.api.model.CollectiveInfo;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.Linkage;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.ShapeSource;
import io.flowsim.api.model.TraceMetadata;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written fixtures of src/test/resources/handwritten (see the README there). */
class HandwrittenTracesTest {

    static Path fixture(String name) {
        try {
            return Path.of(HandwrittenTracesTest.class.getResource("/handwritten/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KernelRecord named(List<KernelRecord> records, String name) {
        return records.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no record " + name));
    }

    @Test
    void oldDialectNeverLinksByACoincidingExternalId() {
        Traces.Parsed p = Traces.parse(fixture("old-dialect-external-id-collision.json"));
        assertThat(p.trace().metadata().properties()).containsEntry(TraceMetadata.DIALECT, "kineto-old-external-id")
                .containsEntry("timestamps", "absolute-us");
        KernelRecord gemm = named(p.records(), "gemm_kernel");
        assertThat(gemm.operator()).isPresent();
        assertThat(gemm.operator().get().name()).isEqualTo("aten::mm");
        assertThat(gemm.operator().get().externalId()).hasValue(7);
        assertThat(gemm.linkage().operatorLink()).isEqualTo(Linkage.OperatorLink.NESTING);
        assertThat(gemm.linkage().launchLink()).isEqualTo(Linkage.LaunchLink.CORRELATION);
        assertThat(gemm.linkage().launchApi()).hasValue("cudaLaunchKernel");
        assertThat(gemm.operator().get().inputs()).extracting(i -> i.dims().format()).containsExactly("[2, 3]", "[3, 4]");
        assertThat(gemm.callStack()).containsExactly("cudaLaunchKernel", "aten::mm");
        assertThat(gemm.startNs()).isEqualTo(1_683_564_901_000_230_000L);
        assertThat(gemm.durationNs()).isEqualTo(20_000L);
        assertThat(gemm.launch()).isPresent();
        assertThat(gemm.launch().get().grid().x()).isEqualTo(54);
        assertThat(gemm.launch().get().registersPerThread()).isEqualTo(64);

        KernelRecord orphan = named(p.records(), "orphan_kernel");
        assertThat(orphan.operator()).isEmpty();
        assertThat(orphan.linkage().operatorLink()).isEqualTo(Linkage.OperatorLink.NONE);
        assertThat(orphan.linkage().problem()).get().asString().contains("outside any operator");

        // the coincidence is seen and counted, and not used
        assertThat(p.stat("kernels.external_id_matches_cpu_op")).isEqualTo(1);
        assertThat(p.stat("kernels.op.by_external_id")).isZero();
        assertThat(p.stat("kernels.op.by_nesting")).isEqualTo(1);
        assertThat(p.stat("kernels.unlinked")).isEqualTo(1);
    }

    @Test
    void legacyPyTorch18Spellings() {
        Traces.Parsed p = Traces.parse(fixture("legacy-pytorch-1.8.json"));
        TraceMetadata m = p.trace().metadata();
        assertThat(m.properties()).containsEntry("legacy_categories", "true")
                .containsEntry(TraceMetadata.DIALECT, "kineto-new-external-id");
        assertThat(m.devices()).isEmpty();
        assertThat(m.distributed()).isEmpty();
        KernelRecord conv = named(p.records(), "implicit_convolve_sgemm");
        assertThat(conv.kind()).isEqualTo(KernelKind.KERNEL);
        assertThat(conv.operator().map(OperatorCall::name)).hasValue("aten::conv2d");
        assertThat(conv.linkage().operatorLink()).isEqualTo(Linkage.OperatorLink.EXTERNAL_ID);
        assertThat(conv.operator().get().inputs()).hasSize(7);
        assertThat(conv.operator().get().inputs().get(0).dims()).isEqualTo(Dims.of(8, 3, 224, 224));
        assertThat(conv.stream()).isEqualTo(7);
        KernelRecord copy = named(p.records(), "Memcpy DtoH (Device -> Pageable)");
        assertThat(copy.kind()).isEqualTo(KernelKind.MEMCPY);
        assertThat(copy.category()).isEqualTo(KernelCategory.MEMORY);
        assertThat(copy.transfer()).isPresent();
        assertThat(copy.transfer().get().bytes()).isEqualTo(602112);
        assertThat(copy.transfer().get().direction()).isEqualTo("DtoH");
        assertThat(copy.operator().map(OperatorCall::name)).hasValue("aten::copy_");
        assertThat(copy.operator().get().shapeSource()).isEqualTo(ShapeSource.NONE);
        assertThat(p.stat("events.launch_flow_start")).isEqualTo(1);
        assertThat(p.stat("events.launch_flow_end")).isEqualTo(1);
    }

    @Test
    void newDialectEverythingAtOnce() {
        Traces.Parsed p = Traces.parse(fixture("new-dialect-job-TP-3.trace.json"));
        TraceMetadata m = p.trace().metadata();
        assertThat(m.traceName()).isEqualTo("new-dialect-job-TP-3.trace");
        assertThat(m.rank()).isEqualTo(OptionalInt.of(3));
        assertThat(m.devices()).isEmpty();
        assertThat(m.properties()).containsEntry(TraceMetadata.DIALECT, "kineto-new-external-id")
                .containsEntry(TraceMetadata.CUPTI_VERSION, "24")
                .containsEntry(TraceMetadata.CUDA_RUNTIME_VERSION, "12060")
                .containsEntry("base_time_ns", "1700000000000000000");
        assertThat(p.records()).extracting(KernelRecord::name).containsExactly("gemm_kernel",
                "ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevKernelArgsStorage<4096ul>)", "decode_kernel",
                "Memset (Device)", "Memcpy HtoD (Pinned -> Device)", "fill_kernel");

        KernelRecord gemm = named(p.records(), "gemm_kernel");
        assertThat(gemm.startNs()).isEqualTo(1_700_000_000_001_000_500L); // 1000.5005 us, truncated to ns
        assertThat(gemm.durationNs()).isEqualTo(12_250L);
        assertThat(gemm.device()).isZero();
        assertThat(gemm.stream()).isEqualTo(7);
        assertThat(gemm.correlationId()).hasValue(101);
        assertThat(gemm.linkage().operatorLink()).isEqualTo(Linkage.OperatorLink.EXTERNAL_ID);
        assertThat(gemm.operator().get().inputs().get(1).strides()).isEqualTo(Dims.of(1, 128));
        assertThat(gemm.callStack()).containsExactly("cudaLaunchKernel", "aten::mm", "model.py(12): forward",
                "main.py(3): <module>");
        assertThat(gemm.attributes()).containsEntry("blocks_per_sm", "inf").containsEntry("external_id", "11");

        KernelRecord nccl = p.records().get(1);
        assertThat(nccl.category()).isEqualTo(KernelCategory.COMMUNICATION);
        CollectiveInfo c = nccl.collective().orElseThrow();
        assertThat(c.name()).isEqualTo("allreduce");
        assertThat(c.inputElements()).isEqualTo(1024);
        assertThat(c.groupSize()).isEqualTo(2);
        assertThat(c.ranks()).containsExactly(0, 1);
        assertThat(nccl.operator().get().name()).isEqualTo("record_param_comms");
        assertThat(nccl.operator().get().inputs().get(0).dims().format()).isEqualTo("[[1024]]");

        KernelRecord decode = named(p.records(), "decode_kernel");
        assertThat(decode.linkage().operatorLink()).isEqualTo(Linkage.OperatorLink.ANNOTATION);
        assertThat(decode.linkage().launchApi()).hasValue("cuLaunchKernel");
        OperatorCall label = decode.operator().orElseThrow();
        assertThat(label.name()).isEqualTo("attn.decode");
        assertThat(label.shapeSource()).isEqualTo(ShapeSource.ANNOTATION);
        assertThat(label.externalId()).hasValue(13);
        assertThat(label.inputs()).extracting(i -> i.name().orElse("") + " " + i.dims().format() + " " + i.type())
                .containsExactly("q [4, 8, 128] bfloat16", "scale [] float32");

        KernelRecord memset = named(p.records(), "Memset (Device)");
        assertThat(memset.kind()).isEqualTo(KernelKind.MEMSET);
        assertThat(memset.transfer().get().bytes()).isEqualTo(1024);
        assertThat(memset.transfer().get().direction()).isEqualTo("Device");
        assertThat(memset.operator().get().name()).isEqualTo("aten::zero_");

        KernelRecord memcpy = named(p.records(), "Memcpy HtoD (Pinned -> Device)");
        assertThat(memcpy.correlationId()).isEmpty();
        assertThat(memcpy.linkage().launchLink()).isEqualTo(Linkage.LaunchLink.FLOW);
        assertThat(memcpy.linkage().launchApi()).hasValue("cudaMemcpyAsync");
        assertThat(memcpy.operator().get().name()).isEqualTo("aten::copy_");
        assertThat(memcpy.operator().get().inputs().get(2).concreteValue()).hasValue("False");
        assertThat(memcpy.attributes()).containsEntry("memory_bandwidth_gbps", "N/A");

        KernelRecord fill = named(p.records(), "fill_kernel");
        assertThat(fill.linkage().operatorLink()).isEqualTo(Linkage.OperatorLink.ANNOTATION);
        assertThat(fill.operator().get().name()).isEqualTo("fill");
        assertThat(fill.operator().get().inputs().get(0).dims()).isEqualTo(Dims.of(32));
        assertThat(fill.linkage().problem()).isEmpty();

        assertThat(p.stat("kernels")).isEqualTo(4);
        assertThat(p.stat("kernels.op.by_external_id")).isEqualTo(2);
        assertThat(p.stat("kernels.op.by_annotation")).isEqualTo(1);
        assertThat(p.stat("kernels.op.by_gpu_annotation")).isEqualTo(1);
        assertThat(p.stat("ids_beyond_64_bits")).isZero();
        assertThat(p.stat("memory_ops.linked_to_op")).isEqualTo(2);
    }
}
