package io.flowsim.runtime.pipeline;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowsim.api.AtomicOutput;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.EfficiencyTotals;
import io.flowsim.api.model.KernelGroup;
import io.flowsim.api.model.NamedTotals;
import io.flowsim.api.model.RunAnalysis;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.TraceMetadata;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Writes {@code run.json}, the run-level summary (docs/output-formats.md), and prints it for {@code --format json}. */
public final class RunJson {

    /** The runtime's one JSON mapper. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /** Bumped when a field changes meaning or disappears; new fields do not bump it. */
    public static final int FORMAT_VERSION = 1;

    private RunJson() {
    }

    /** Writes the document atomically. */
    static void write(Path file, String command, RunReport report) {
        try (AtomicOutput out = AtomicOutput.create(file)) {
            write(out, command, report);
        }
    }

    /** Writes the document into an output reserved earlier and moves it into place. */
    static void write(AtomicOutput out, String command, RunReport report) {
        try (OutputStream os = Files.newOutputStream(out.temporary())) {
            MAPPER.writeValue(os, document(command, report));
        } catch (IOException e) {
            throw out.writeFailed(e);
        }
        out.commit();
    }

    /** The run document. */
    public static ObjectNode document(String command, RunReport report) {
        boolean simulated = report.simulated();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("command", command);
        ArrayNode traces = root.putArray("traces");
        for (TraceRun.TraceOutcome t : report.traces()) {
            RunSummary s = t.result().summary();
            TraceMetadata m = s.metadata();
            ObjectNode n = traces.addObject();
            n.put("name", t.name());
            n.put("file", t.file().toString());
            n.put("directory", t.directory().toString());
            n.put("rank", t.rank());
            n.put("rank_source", t.rankSource());
            n.put("gpu", m.devices().stream().findFirst().map(DeviceInfo::name).orElse(""));
            n.put("pytorch_version", m.properties().getOrDefault(TraceMetadata.PYTORCH_VERSION, ""));
            n.put("trace_stage", m.properties().getOrDefault(TraceMetadata.STAGE, ""));
            n.put("kernel_count", s.kernelCount());
            n.put("kernel_time_us", s.kernelTimeNs() / 1000.0);
            n.put("busy_time_us", s.busyTimeNs() / 1000.0);
            n.put("wall_time_us", s.wallTimeNs() / 1000.0);
            n.put("resolved_fraction", s.resolvedFraction());
            s.simulation().ifPresent(sim -> {
                n.put("backend", sim.backend());
                n.put("target", sim.target().name());
                n.put("target_is_trace_device", sim.target().isTraceDevice());
                n.put("predicted_kernel_time_us", sim.predictedKernelTimeNs() / 1000.0);
            });
        }
        ArrayNode notes = root.putArray("notes");
        report.notes().forEach(notes::add);
        ArrayNode ranks = root.putArray("per_rank");
        for (RunReport.RankTotals r : report.perRank()) {
            ObjectNode n = ranks.addObject();
            n.put("rank", r.rank());
            ArrayNode names = n.putArray("traces");
            r.traces().forEach(names::add);
            n.put("kernel_count", r.kernelCount());
            n.put("kernel_time_us", r.kernelTimeNs() / 1000.0);
            n.put("busy_time_us", r.busyTimeNs() / 1000.0);
            if (simulated) {
                n.put("predicted_kernel_time_us", r.predictedNs() / 1000.0);
            }
            n.put("matched_collective_time_us", r.collectiveTimeNs() / 1000.0);
            n.put("collective_wait_us", r.waitNs() / 1000.0);
        }
        root.set("analysis", analysis(report.analysis(), simulated));
        root.set("collectives", collectives(report.collectives()));
        ObjectNode e2e = root.putObject("end_to_end");
        long measured = report.kernelTimeNs();
        long wait = report.collectives().waitNs();
        e2e.put("measured_kernel_time_us", measured / 1000.0);
        e2e.put("collective_wait_us", wait / 1000.0);
        e2e.put("measured_without_collective_wait_us", (measured - wait) / 1000.0);
        e2e.put("wait_separated", report.collectives().ranks().size() > 1);
        if (simulated) {
            e2e.put("predicted_kernel_time_us", report.predictedNs() / 1000.0);
        }
        return root;
    }

    /** Stages, efficiency per stage, family and op, and the top kernels. */
    public static ObjectNode analysis(RunAnalysis a, boolean simulated) {
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
        for (Map.Entry<String, EfficiencyTotals> e : sorted(a.rollup(g -> g.stage().id() + "\u0000" + g.family()))) {
            String k = e.getKey();
            ObjectNode row = stageFamily.addObject();
            row.put("stage", k.substring(0, k.indexOf('\u0000')));
            row.put("family", k.substring(k.indexOf('\u0000') + 1));
            row.setAll((ObjectNode) MAPPER.valueToTree(e.getValue().fields(simulated)));
        }
        if (a.groupedByAnnotation()) {
            n.set("per_annotation", rollup(a.rollup(KernelGroup::annotation), "annotation", simulated));
        }
        ObjectNode top = n.putObject("top_kernels");
        top.set("by_time", named(a.topByTime(), simulated));
        top.set("by_lost_time", named(a.topByLostTime(), simulated));
        return n;
    }

    private static List<Map.Entry<String, EfficiencyTotals>> sorted(Map<String, EfficiencyTotals> rows) {
        return rows.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, EfficiencyTotals> e) -> e.getValue().kernelTimeNs())
                        .reversed().thenComparing(Map.Entry::getKey))
                .toList();
    }

    private static ArrayNode rollup(Map<String, EfficiencyTotals> rows, String key, boolean simulated) {
        ArrayNode a = MAPPER.createArrayNode();
        for (Map.Entry<String, EfficiencyTotals> e : sorted(rows)) {
            ObjectNode row = a.addObject();
            row.put(key, e.getKey());
            row.setAll((ObjectNode) MAPPER.valueToTree(e.getValue().fields(simulated)));
        }
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

    private static ObjectNode collectives(CollectiveMatcher.Report r) {
        ObjectNode n = MAPPER.createObjectNode();
        ArrayNode ranks = n.putArray("ranks");
        r.ranks().forEach(ranks::add);
        n.put("wait_separated", r.ranks().size() > 1);
        n.put("matched_calls", r.calls().size());
        n.put("transfer_time_us", r.transferNs() / 1000.0);
        n.put("wait_time_us", r.waitNs() / 1000.0);
        ObjectNode unmatched = n.putObject("unmatched_kernels_by_rank");
        r.unmatched().forEach((k, v) -> unmatched.put(Integer.toString(k), v));
        r.accuracy().ifPresentOrElse(a -> n.set("accuracy_against_transfer", accuracy(a)),
                () -> n.putNull("accuracy_against_transfer"));
        ArrayNode notes = n.putArray("notes");
        r.notes().forEach(notes::add);
        ArrayNode calls = n.putArray("calls");
        for (CollectiveMatcher.Call c : r.calls()) {
            ObjectNode call = calls.addObject();
            call.put("process_group", c.group());
            call.put("sequence", c.sequence());
            call.put("collective", c.collective());
            call.put("stage", c.stage());
            call.put("transfer_time_us", c.transferNs() / 1000.0);
            call.put("last_arriving_rank", c.lastRank());
            c.predictedTransferNs().ifPresent(p -> call.put("predicted_time_us", p / 1000.0));
            ArrayNode parts = call.putArray("ranks");
            for (CollectiveMatcher.Participant p : c.participants()) {
                ObjectNode pn = parts.addObject();
                pn.put("rank", p.rank());
                pn.put("start_us", java.math.BigDecimal.valueOf(p.startNs(), 3));
                pn.put("duration_us", p.durationNs() / 1000.0);
                pn.put("wait_us", p.waitNs() / 1000.0);
            }
        }
        return n;
    }

    private static ObjectNode accuracy(AccuracyRow r) {
        ObjectNode a = MAPPER.createObjectNode();
        a.put("count", r.count());
        a.put("measured_transfer_time_us", r.measuredNs() / 1000.0);
        a.put("predicted_time_us", r.predictedNs() / 1000.0);
        a.put("total_error_percent", r.totalErrorPercent());
        a.put("median_abs_error_percent", r.medianAbsErrorPercent());
        a.put("p90_abs_error_percent", r.p90AbsErrorPercent());
        return a;
    }
}
