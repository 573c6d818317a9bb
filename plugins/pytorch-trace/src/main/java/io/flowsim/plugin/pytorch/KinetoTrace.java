package io.flowsim.plugin.pytorch;

import io.flowsim.api.Trace;
import io.flowsim.api.model.KernelCategory;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.Linkage;
import io.flowsim.api.model.TraceMetadata;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A parsed and linked trace. All reading happened in {@link KinetoTraceReader#read}; this holds the
 * compact GPU activities (in start-time order) and builds each {@link KernelRecord} only when the
 * stream reaches it. Not thread-safe.
 */
final class KinetoTrace implements Trace {

    /** Collective-communication kernels (trace-format.md §13, class "comm"). */
    private static final Pattern COMMUNICATION = Pattern.compile(
            "nccl(Dev)?Kernel|^nccl|^rccl|^hccl|cross_device_reduce|deep_ep::|mscclpp|all_?reduce|all_?gather"
                    + "|reduce_?scatter|all_?to_?all", Pattern.CASE_INSENSITIVE);

    /** The attribute holding the activity's position in {@code traceEvents} (0-based). */
    static final String EVENT_INDEX = "event_index";

    private final TraceMetadata metadata;
    private final List<GpuActivity> activities;
    private final long baseNs;
    private final Map<String, Long> statistics;

    KinetoTrace(TraceMetadata metadata, List<GpuActivity> activities, long baseNs, Map<String, Long> statistics) {
        this.metadata = metadata;
        this.activities = activities;
        this.baseNs = baseNs;
        this.statistics = Collections.unmodifiableMap(new LinkedHashMap<>(statistics));
    }

    @Override
    public TraceMetadata metadata() {
        return metadata;
    }

    @Override
    public Stream<KernelRecord> kernels() {
        return IntStream.range(0, activities.size()).mapToObj(i -> record(i, activities.get(i)));
    }

    @Override
    public Map<String, Long> statistics() {
        return statistics;
    }

    @Override
    public void close() {
        // everything lives on the heap and goes with this object; the spill file is already deleted
    }

    private KernelRecord record(int index, GpuActivity a) {
        KernelRecord.Builder b = KernelRecord.builder(index, a.name)
                .kind(kind(a.kind))
                .category(category(a))
                .start(baseNs + a.tsNs)
                .duration(a.durNs)
                .device(a.device)
                .stream(a.stream);
        if (Ids.present(a.correlation)) {
            b.correlationId(a.correlation);
        }
        if (a.launch != null) {
            b.launch(a.launch);
        }
        if (a.operator != null) {
            b.operator(a.operator);
        }
        if (a.collective != null) {
            b.collective(a.collective);
        } else if (a.collectiveFromOperator != null) {
            b.collective(a.collectiveFromOperator);
        }
        if (a.transfer != null) {
            b.transfer(a.transfer);
        }
        RuntimeCall call = a.launchCall;
        if (call != null) {
            b.callStack(call.callStack);
            if (call.name.contains("GraphLaunch")) {
                b.attribute("graph", "true");
            }
        }
        a.attributes.forEach(b::attribute);
        b.attribute(EVENT_INDEX, Long.toString(a.ordinal));
        if (a.shapeLabel != null) {
            b.attribute("shape_label", a.shapeLabel);
        }
        if (a.unshapedOperator != null) {
            b.attribute("profiler_op", a.unshapedOperator);
        }
        b.linkage(new Linkage(Optional.ofNullable(call).map(c -> c.name), a.launchLink, a.operatorLink,
                Optional.ofNullable(a.problem)));
        return b.build();
    }

    private static KernelKind kind(EventKind kind) {
        return switch (kind) {
            case MEMCPY -> KernelKind.MEMCPY;
            case MEMSET -> KernelKind.MEMSET;
            default -> KernelKind.KERNEL;
        };
    }

    private static KernelCategory category(GpuActivity a) {
        if (a.kind != EventKind.KERNEL) {
            return KernelCategory.MEMORY;
        }
        // the same collective arguments the record carries: the kernel's own, else its operator's
        return a.collective != null || a.collectiveFromOperator != null || COMMUNICATION.matcher(a.name).find()
                ? KernelCategory.COMMUNICATION : KernelCategory.COMPUTE;
    }
}
