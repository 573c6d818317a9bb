package io.flowsim.plugin.csv;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowsim.api.model.AccuracyRow;
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

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a {@link RunSummary} into the {@code summary.json} document (docs/output-formats.md). Times
 * are microseconds written exactly (three decimals at most, never in exponent form).
 */
final class SummaryJson {

    /** The plugin's one shared, pre-configured JSON mapper. */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
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

    static ObjectNode document(RunSummary s) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.set("trace", trace(s.metadata()));
        root.put("kernel_count", s.kernelCount());
        root.put("kernel_time_us", micros(s.kernelTimeNs()));
        root.put("busy_time_us", micros(s.busyTimeNs()));
        root.put("wall_time_us", micros(s.wallTimeNs()));
        root.put("resolved_kernel_time_us", micros(s.resolvedKernelTimeNs()));
        root.put("resolved_fraction", s.resolvedFraction());
        root.put("heuristic_kernel_time_us", micros(s.heuristicKernelTimeNs()));
        root.put("unresolved_kernel_count", s.unresolvedKernelCount());
        root.put("unknown_kernel_count", s.unknownKernelNames());
        s.simulation().ifPresent(sim -> root.put("predicted_kernel_time_us", micros(sim.predictedKernelTimeNs())));
        ObjectNode memory = root.putObject("memory_operations");
        memory.put("count", s.memoryOperationCount());
        memory.put("time_us", micros(s.memoryOperationTimeNs()));
        boolean simulated = s.simulation().isPresent();
        root.set("per_family", groups(s.perFamily(), "family", simulated));
        root.set("per_op_mapping", groups(s.perOpMapping(), "op_mapping", simulated));
        s.simulation().ifPresent(sim -> root.set("simulation", simulation(sim)));
        root.set("analysis", analysis(s.analysis(), simulated));
        ObjectNode stats = root.putObject("trace_statistics");
        new TreeMap<>(s.traceStatistics()).forEach(stats::put);
        return root;
    }

    private static ObjectNode trace(TraceMetadata m) {
        ObjectNode t = MAPPER.createObjectNode();
        t.put("name", m.traceName());
        t.put("source", m.source());
        if (m.rank().isPresent()) {
            t.put("rank", m.rank().getAsInt());
        } else {
            t.putNull("rank");
        }
        ArrayNode devices = t.putArray("devices");
        for (DeviceInfo d : m.devices()) {
            ObjectNode n = devices.addObject();
            n.put("id", d.id());
            n.put("name", d.name());
            n.put("sm_count", d.smCount());
            n.put("total_memory_bytes", d.totalMemoryBytes());
            n.put("compute_capability", d.computeCapability());
            strings(n.putObject("properties"), d.properties());
        }
        if (m.distributed().isPresent()) {
            DistributedInfo d = m.distributed().get();
            ObjectNode n = t.putObject("distributed");
            n.put("backend", d.backend());
            if (d.rank().isPresent()) {
                n.put("rank", d.rank().getAsInt());
            }
            if (d.worldSize().isPresent()) {
                n.put("world_size", d.worldSize().getAsInt());
            }
            d.ncclVersion().ifPresent(v -> n.put("nccl_version", v));
            ArrayNode groups = n.putArray("process_groups");
            for (ProcessGroup g : d.processGroups()) {
                ObjectNode pg = groups.addObject();
                pg.put("name", g.name());
                pg.put("description", g.description());
                pg.put("backend_config", g.backendConfig());
                pg.put("size", g.size());
                ArrayNode ranks = pg.putArray("ranks");
                g.ranks().forEach(ranks::add);
            }
        } else {
            t.putNull("distributed");
        }
        strings(t.putObject("properties"), m.properties());
        return t;
    }

    private static void strings(ObjectNode target, Map<String, String> values) {
        new TreeMap<>(values).forEach(target::put);
    }

    private static ArrayNode groups(List<GroupTotals> groups, String key, boolean simulated) {
        ArrayNode a = MAPPER.createArrayNode();
        for (GroupTotals g : groups) {
            ObjectNode n = a.addObject();
            n.put(key, g.group());
            n.put("count", g.count());
            n.put("kernel_time_us", micros(g.kernelTimeNs()));
            if (simulated) {
                n.put("predicted_count", g.predictedCount());
                n.put("predicted_time_us", micros(g.predictedNs()));
            }
        }
        return a;
    }

    /** Stages, efficiency per stage, family and op, and the top kernels (docs/output-formats.md). */
    static ObjectNode analysis(RunAnalysis a, boolean simulated) {
        ObjectNode n = MAPPER.createObjectNode();
        n.set("gpu_peaks", a.peaks().map(p -> (JsonNode) MAPPER.valueToTree(p.fields())).orElse(NullNode.instance));
        if (simulated) {
            n.set("target_peaks", a.targetPeaks().map(p -> (JsonNode) MAPPER.valueToTree(p.fields()))
                    .orElse(NullNode.instance));
        }
        n.set("total", MAPPER.valueToTree(a.total().fields(simulated)));
        n.set("per_stage", rollup(a.rollup(g -> g.stage().id()), "stage", simulated));
        n.set("per_family", rollup(a.rollup(KernelGroup::family), "family", simulated));
        n.set("per_op_mapping", rollup(a.rollup(KernelGroup::op), "op_mapping", simulated));
        ArrayNode stageFamily = n.putArray("per_stage_family");
        a.rollup(g -> g.stage().id() + "\u0000" + g.family()).forEach((k, t) -> {
            ObjectNode row = stageFamily.addObject();
            row.put("stage", k.substring(0, k.indexOf('\u0000')));
            row.put("family", k.substring(k.indexOf('\u0000') + 1));
            row.setAll((ObjectNode) MAPPER.valueToTree(t.fields(simulated)));
        });
        if (a.groupedByAnnotation()) {
            n.set("per_annotation", rollup(a.rollup(KernelGroup::annotation), "annotation", simulated));
        }
        ArrayNode groups = n.putArray("groups");
        for (KernelGroup g : a.groups()) {
            ObjectNode row = groups.addObject();
            row.put("stage", g.stage().id());
            row.put("family", g.family());
            row.put("op_mapping", g.op());
            if (a.groupedByAnnotation()) {
                row.put("annotation", g.annotation());
            }
            row.setAll((ObjectNode) MAPPER.valueToTree(g.totals().fields(simulated)));
        }
        ObjectNode top = n.putObject("top_kernels");
        top.set("by_time", named(a.topByTime(), simulated));
        top.set("by_lost_time", named(a.topByLostTime(), simulated));
        return n;
    }

    private static ArrayNode rollup(Map<String, EfficiencyTotals> rows, String key, boolean simulated) {
        ArrayNode a = MAPPER.createArrayNode();
        rows.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, EfficiencyTotals> e) -> e.getValue().kernelTimeNs())
                        .reversed().thenComparing(Map.Entry::getKey))
                .forEach(e -> {
                    ObjectNode row = a.addObject();
                    row.put(key, e.getKey());
                    row.setAll((ObjectNode) MAPPER.valueToTree(e.getValue().fields(simulated)));
                });
        return a;
    }

    private static ArrayNode named(List<NamedTotals> rows, boolean simulated) {
        ArrayNode a = MAPPER.createArrayNode();
        for (NamedTotals t : rows) {
            ObjectNode row = a.addObject();
            row.put("name", t.name());
            row.put("family", t.family());
            row.setAll((ObjectNode) MAPPER.valueToTree(t.totals().fields(simulated)));
        }
        return a;
    }

    private static ObjectNode simulation(SimulationSummary sim) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("backend", sim.backend());
        ObjectNode target = n.putObject("target");
        target.put("name", sim.target().name());
        target.put("is_trace_device", sim.target().isTraceDevice());
        sim.target().traceDevice().ifPresentOrElse(d -> target.put("trace_device", d.name()),
                () -> target.putNull("trace_device"));
        n.put("distinct_requests", sim.distinctRequests());
        n.put("ok", sim.ok());
        n.put("unsupported", sim.unsupported());
        n.put("failed", sim.failed());
        n.put("predicted_kernel_time_us", micros(sim.predictedKernelTimeNs()));
        ArrayNode accuracy = n.putArray("accuracy");
        for (AccuracyRow r : sim.accuracy()) {
            ObjectNode a = accuracy.addObject();
            a.put("group", r.group());
            a.put("count", r.count());
            a.put("median_abs_error_percent", r.medianAbsErrorPercent());
            a.put("p90_abs_error_percent", r.p90AbsErrorPercent());
            a.put("time_weighted_abs_error_percent", r.timeWeightedAbsErrorPercent());
            a.put("total_error_percent", r.totalErrorPercent());
            a.put("measured_time_us", micros(r.measuredNs()));
            a.put("predicted_time_us", micros(r.predictedNs()));
        }
        ArrayNode notes = n.putArray("notes");
        sim.notes().forEach(notes::add);
        return n;
    }
}
