package io.flowsim.plugin.csv;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.ConcurrencySummary;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.DistributedInfo;
import io.flowsim.api.model.EfficiencyTotals;
import io.flowsim.api.model.GroupTotals;
import io.flowsim.api.model.KernelGroup;
import io.flowsim.api.model.NamedTotals;
import io.flowsim.api.model.ProcessGroup;
import io.flowsim.api.model.RunAnalysis;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.api.model.TraceMetadata;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link RunSummary} as the {@code summary.json} document (docs/output-formats.md). Times
 * are microseconds written exactly (three decimals at most, never in exponent form).
 *
 * <p>Written with jackson-core's streaming generator, not jackson-databind: setting up an
 * {@code ObjectMapper} and its serializers cost more CPU than the rest of a small run's output
 * (docs/performance.md, "Cold runs").
 */
final class SummaryJson {

    /** The plugin's one JSON factory; BigDecimals (exact microseconds) are never in exponent form. */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /** Bumped when a field changes meaning or disappears; new fields do not bump it. */
    static final int FORMAT_VERSION = 1;

    private SummaryJson() {
    }

    /** Exact microseconds: {@code 77591.032}, {@code 12}, {@code 0.5}. */
    static BigDecimal micros(long ns) {
        BigDecimal us = BigDecimal.valueOf(ns, 3).stripTrailingZeros();
        return us.scale() < 0 ? us.setScale(0) : us;
    }

    /** Writes the document, indented, to {@code out} (left open). */
    static void write(OutputStream out, RunSummary s) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            document(g, s);
        }
    }

    static void document(JsonGenerator g, RunSummary s) throws IOException {
        g.writeStartObject();
        g.writeNumberField("format_version", FORMAT_VERSION);
        g.writeFieldName("trace");
        trace(g, s.metadata());
        g.writeNumberField("kernel_count", s.kernelCount());
        g.writeNumberField("kernel_time_us", micros(s.kernelTimeNs()));
        g.writeNumberField("busy_time_us", micros(s.busyTimeNs()));
        g.writeNumberField("wall_time_us", micros(s.wallTimeNs()));
        g.writeNumberField("resolved_kernel_time_us", micros(s.resolvedKernelTimeNs()));
        g.writeNumberField("resolved_fraction", s.resolvedFraction());
        g.writeNumberField("heuristic_kernel_time_us", micros(s.heuristicKernelTimeNs()));
        g.writeNumberField("unresolved_kernel_count", s.unresolvedKernelCount());
        g.writeNumberField("unknown_kernel_count", s.unknownKernelNames());
        if (s.simulation().isPresent()) {
            g.writeNumberField("predicted_kernel_time_us", micros(s.simulation().get().predictedKernelTimeNs()));
        }
        g.writeObjectFieldStart("memory_operations");
        g.writeNumberField("count", s.memoryOperationCount());
        g.writeNumberField("time_us", micros(s.memoryOperationTimeNs()));
        g.writeEndObject();
        boolean simulated = s.simulation().isPresent();
        g.writeFieldName("per_family");
        groups(g, s.perFamily(), "family", simulated);
        g.writeFieldName("per_op_mapping");
        groups(g, s.perOpMapping(), "op_mapping", simulated);
        if (simulated) {
            g.writeFieldName("simulation");
            simulation(g, s.simulation().get());
        }
        if (s.concurrency().anyConcurrent()) {
            // only when some kernel shared its device: a single-stream trace's summary stays as it was
            g.writeFieldName("concurrency");
            concurrency(g, s, simulated);
        }
        g.writeFieldName("analysis");
        analysis(g, s.analysis(), simulated);
        g.writeObjectFieldStart("trace_statistics");
        for (Map.Entry<String, Long> e : new TreeMap<>(s.traceStatistics()).entrySet()) {
            g.writeFieldName(e.getKey());
            value(g, e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void trace(JsonGenerator g, TraceMetadata m) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", m.traceName());
        g.writeStringField("source", m.source());
        if (m.rank().isPresent()) {
            g.writeNumberField("rank", m.rank().getAsInt());
        } else {
            g.writeNullField("rank");
        }
        g.writeArrayFieldStart("devices");
        for (DeviceInfo d : m.devices()) {
            g.writeStartObject();
            g.writeNumberField("id", d.id());
            g.writeStringField("name", d.name());
            g.writeNumberField("sm_count", d.smCount());
            g.writeNumberField("total_memory_bytes", d.totalMemoryBytes());
            g.writeStringField("compute_capability", d.computeCapability());
            g.writeFieldName("properties");
            strings(g, d.properties());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (m.distributed().isPresent()) {
            DistributedInfo d = m.distributed().get();
            g.writeObjectFieldStart("distributed");
            g.writeStringField("backend", d.backend());
            if (d.rank().isPresent()) {
                g.writeNumberField("rank", d.rank().getAsInt());
            }
            if (d.worldSize().isPresent()) {
                g.writeNumberField("world_size", d.worldSize().getAsInt());
            }
            if (d.ncclVersion().isPresent()) {
                g.writeStringField("nccl_version", d.ncclVersion().get());
            }
            g.writeArrayFieldStart("process_groups");
            for (ProcessGroup pg : d.processGroups()) {
                g.writeStartObject();
                g.writeStringField("name", pg.name());
                g.writeStringField("description", pg.description());
                g.writeStringField("backend_config", pg.backendConfig());
                g.writeNumberField("size", pg.size());
                g.writeArrayFieldStart("ranks");
                for (Integer r : pg.ranks()) {
                    value(g, r);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } else {
            g.writeNullField("distributed");
        }
        g.writeFieldName("properties");
        strings(g, m.properties());
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, Map<String, String> values) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void groups(JsonGenerator g, List<GroupTotals> groups, String key, boolean simulated)
            throws IOException {
        g.writeStartArray();
        for (GroupTotals t : groups) {
            g.writeStartObject();
            g.writeStringField(key, t.group());
            g.writeNumberField("count", t.count());
            g.writeNumberField("kernel_time_us", micros(t.kernelTimeNs()));
            if (simulated) {
                g.writeNumberField("predicted_count", t.predictedCount());
                g.writeNumberField("predicted_time_us", micros(t.predictedNs()));
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Stages, efficiency per stage, family and op, and the top kernels (docs/output-formats.md). */
    static void analysis(JsonGenerator g, RunAnalysis a, boolean simulated) throws IOException {
        g.writeStartObject();
        g.writeFieldName("gpu_peaks");
        value(g, a.peaks().map(p -> p.fields()).orElse(null));
        if (simulated) {
            g.writeFieldName("target_peaks");
            value(g, a.targetPeaks().map(p -> p.fields()).orElse(null));
        }
        g.writeFieldName("total");
        value(g, a.total().fields(simulated));
        g.writeFieldName("per_stage");
        rollup(g, a.rollup(k -> k.stage().id()), "stage", simulated);
        g.writeFieldName("per_family");
        rollup(g, a.rollup(KernelGroup::family), "family", simulated);
        g.writeFieldName("per_op_mapping");
        rollup(g, a.rollup(KernelGroup::op), "op_mapping", simulated);
        g.writeArrayFieldStart("per_stage_family");
        for (Map.Entry<String, EfficiencyTotals> e : a.rollup(k -> k.stage().id() + "\u0000" + k.family()).entrySet()) {
            String k = e.getKey();
            g.writeStartObject();
            g.writeStringField("stage", k.substring(0, k.indexOf('\u0000')));
            g.writeStringField("family", k.substring(k.indexOf('\u0000') + 1));
            fields(g, e.getValue().fields(simulated));
            g.writeEndObject();
        }
        g.writeEndArray();
        if (a.groupedByAnnotation()) {
            g.writeFieldName("per_annotation");
            rollup(g, a.rollup(KernelGroup::annotation), "annotation", simulated);
        }
        g.writeArrayFieldStart("groups");
        for (KernelGroup k : a.groups()) {
            g.writeStartObject();
            g.writeStringField("stage", k.stage().id());
            g.writeStringField("family", k.family());
            g.writeStringField("op_mapping", k.op());
            if (a.groupedByAnnotation()) {
                g.writeStringField("annotation", k.annotation());
            }
            fields(g, k.totals().fields(simulated));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("top_kernels");
        g.writeFieldName("by_time");
        named(g, a.topByTime(), simulated);
        g.writeFieldName("by_lost_time");
        named(g, a.topByLostTime(), simulated);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void rollup(JsonGenerator g, Map<String, EfficiencyTotals> rows, String key, boolean simulated)
            throws IOException {
        List<Map.Entry<String, EfficiencyTotals>> sorted = rows.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, EfficiencyTotals> e) -> e.getValue().kernelTimeNs())
                        .reversed().thenComparing(Map.Entry::getKey))
                .toList();
        g.writeStartArray();
        for (Map.Entry<String, EfficiencyTotals> e : sorted) {
            g.writeStartObject();
            g.writeStringField(key, e.getKey());
            fields(g, e.getValue().fields(simulated));
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void named(JsonGenerator g, List<NamedTotals> rows, boolean simulated) throws IOException {
        g.writeStartArray();
        for (NamedTotals t : rows) {
            g.writeStartObject();
            g.writeStringField("name", t.name());
            g.writeStringField("family", t.family());
            fields(g, t.totals().fields(simulated));
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void simulation(JsonGenerator g, SimulationSummary sim) throws IOException {
        g.writeStartObject();
        g.writeStringField("backend", sim.backend());
        g.writeObjectFieldStart("target");
        g.writeStringField("name", sim.target().name());
        g.writeBooleanField("is_trace_device", sim.target().isTraceDevice());
        // another GPU than the recorded one: accuracy[] then compares two GPUs, a projection, not errors
        g.writeBooleanField("what_if", sim.target().isWhatIf());
        if (sim.target().traceDevice().isPresent()) {
            g.writeStringField("trace_device", sim.target().traceDevice().get().name());
        } else {
            g.writeNullField("trace_device");
        }
        g.writeEndObject();
        g.writeNumberField("distinct_requests", sim.distinctRequests());
        g.writeNumberField("ok", sim.ok());
        g.writeNumberField("unsupported", sim.unsupported());
        g.writeNumberField("failed", sim.failed());
        g.writeNumberField("predicted_kernel_time_us", micros(sim.predictedKernelTimeNs()));
        g.writeFieldName("accuracy");
        accuracy(g, sim.accuracy());
        g.writeArrayFieldStart("notes");
        for (String note : sim.notes()) {
            g.writeString(note);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void concurrency(JsonGenerator g, RunSummary s, boolean simulated) throws IOException {
        ConcurrencySummary c = s.concurrency();
        g.writeStartObject();
        g.writeNumberField("isolated_kernel_count", c.isolatedKernelCount());
        g.writeNumberField("isolated_kernel_time_us", micros(c.isolatedKernelTimeNs()));
        g.writeNumberField("isolated_fraction", s.kernelTimeNs() == 0 ? 0.0
                : (double) c.isolatedKernelTimeNs() / s.kernelTimeNs());
        g.writeNumberField("concurrent_kernel_count", c.concurrentKernelCount());
        g.writeNumberField("concurrent_kernel_time_us", micros(c.concurrentKernelTimeNs()));
        g.writeNumberField("overlap_time_us", micros(c.overlapTimeNs()));
        g.writeFieldName("isolated_per_family");
        groups(g, c.isolatedPerFamily(), "family", simulated);
        if (simulated) {
            g.writeFieldName("isolated_accuracy");
            accuracy(g, c.isolatedAccuracy());
        }
        g.writeEndObject();
    }

    private static void accuracy(JsonGenerator g, List<AccuracyRow> rows) throws IOException {
        g.writeStartArray();
        for (AccuracyRow r : rows) {
            g.writeStartObject();
            g.writeStringField("group", r.group());
            g.writeNumberField("count", r.count());
            g.writeNumberField("median_abs_error_percent", r.medianAbsErrorPercent());
            g.writeNumberField("p90_abs_error_percent", r.p90AbsErrorPercent());
            g.writeNumberField("time_weighted_abs_error_percent", r.timeWeightedAbsErrorPercent());
            g.writeNumberField("total_error_percent", r.totalErrorPercent());
            g.writeNumberField("measured_time_us", micros(r.measuredNs()));
            g.writeNumberField("predicted_time_us", micros(r.predictedNs()));
            if (r.measuredNs() == 0) {
                g.writeNullField("predicted_to_measured");
            } else {
                g.writeNumberField("predicted_to_measured", (double) r.predictedNs() / r.measuredNs());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The entries of a {@code fields()} map of the API model, written into the current object. */
    private static void fields(JsonGenerator g, Map<String, ?> fields) throws IOException {
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            g.writeFieldName(e.getKey());
            value(g, e.getValue());
        }
    }

    /**
     * A value of the API model's {@code fields()} maps: a map of them, written entry by entry, or null, text,
     * a boolean or a number, which jackson-core's generator writes itself (it has no codec here, so anything
     * else is refused with an exception).
     */
    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                value(g, e.getValue());
            }
            g.writeEndObject();
        } else {
            g.writeObject(v);
        }
    }
}
