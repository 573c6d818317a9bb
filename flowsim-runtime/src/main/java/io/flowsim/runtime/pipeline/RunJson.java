package io.flowsim.runtime.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.flowsim.api.AtomicOutput;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.AccuracyRow;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.EfficiencyTotals;
import io.flowsim.api.model.KernelGroup;
import io.flowsim.api.model.NamedTotals;
import io.flowsim.api.model.RunAnalysis;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.api.model.TraceMetadata;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code run.json}, the run-level summary (docs/output-formats.md), and prints it for
 * {@code --format json}. Written with jackson-core's streaming generator: an {@code ObjectMapper}
 * and its serializers cost a small run more CPU than the document itself (docs/performance.md,
 * "Cold runs").
 */
public final class RunJson {

    /** The factory of the run's JSON outputs; BigDecimals are never in exponent form. */
    static final JsonFactory FACTORY = JsonFactory.builder()
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
        try (OutputStream os = Files.newOutputStream(out.temporary());
             JsonGenerator g = FACTORY.createGenerator(os)) {
            g.useDefaultPrettyPrinter();
            document(g, command, report);
        } catch (IOException e) {
            throw out.writeFailed(e);
        }
        out.commit();
    }

    /** The run document, indented, as text (what {@code --format json} prints). */
    public static String text(String command, RunReport report) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(text)) {
            g.useDefaultPrettyPrinter();
            document(g, command, report);
        } catch (IOException e) {
            throw new FlowsimException(ErrorCode.INTERNAL, "cannot print the summary as JSON: " + e.getMessage(), e);
        }
        return text.toString();
    }

    /** The run document. */
    static void document(JsonGenerator g, String command, RunReport report) throws IOException {
        boolean simulated = report.simulated();
        g.writeStartObject();
        g.writeNumberField("format_version", FORMAT_VERSION);
        g.writeStringField("command", command);
        g.writeArrayFieldStart("traces");
        for (TraceRun.TraceOutcome t : report.traces()) {
            RunSummary s = t.result().summary();
            TraceMetadata m = s.metadata();
            g.writeStartObject();
            g.writeStringField("name", t.name());
            g.writeStringField("file", t.file().toString());
            g.writeStringField("directory", t.directory().toString());
            g.writeNumberField("rank", t.rank());
            g.writeStringField("rank_source", t.rankSource());
            g.writeStringField("gpu", m.devices().stream().findFirst().map(DeviceInfo::name).orElse(""));
            g.writeStringField("pytorch_version", m.properties().getOrDefault(TraceMetadata.PYTORCH_VERSION, ""));
            g.writeStringField("trace_stage", m.properties().getOrDefault(TraceMetadata.STAGE, ""));
            g.writeNumberField("kernel_count", s.kernelCount());
            g.writeNumberField("kernel_time_us", s.kernelTimeNs() / 1000.0);
            g.writeNumberField("busy_time_us", s.busyTimeNs() / 1000.0);
            g.writeNumberField("wall_time_us", s.wallTimeNs() / 1000.0);
            g.writeNumberField("resolved_fraction", s.resolvedFraction());
            if (s.simulation().isPresent()) {
                SimulationSummary sim = s.simulation().get();
                g.writeStringField("backend", sim.backend());
                g.writeStringField("target", sim.target().name());
                g.writeBooleanField("target_is_trace_device", sim.target().isTraceDevice());
                g.writeBooleanField("what_if", sim.target().isWhatIf());
                g.writeNumberField("predicted_kernel_time_us", sim.predictedKernelTimeNs() / 1000.0);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("notes");
        for (String note : report.notes()) {
            g.writeString(note);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("per_rank");
        for (RunReport.RankTotals r : report.perRank()) {
            g.writeStartObject();
            g.writeNumberField("rank", r.rank());
            g.writeArrayFieldStart("traces");
            for (String name : r.traces()) {
                g.writeString(name);
            }
            g.writeEndArray();
            g.writeNumberField("kernel_count", r.kernelCount());
            g.writeNumberField("kernel_time_us", r.kernelTimeNs() / 1000.0);
            g.writeNumberField("busy_time_us", r.busyTimeNs() / 1000.0);
            if (simulated) {
                g.writeNumberField("predicted_kernel_time_us", r.predictedNs() / 1000.0);
            }
            g.writeNumberField("matched_collective_time_us", r.collectiveTimeNs() / 1000.0);
            g.writeNumberField("collective_wait_us", r.waitNs() / 1000.0);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeFieldName("analysis");
        analysis(g, report.analysis(), simulated);
        g.writeFieldName("collectives");
        collectives(g, report.collectives(), report.whatIf());
        g.writeObjectFieldStart("end_to_end");
        long measured = report.kernelTimeNs();
        long wait = report.collectives().waitNs();
        g.writeNumberField("measured_kernel_time_us", measured / 1000.0);
        g.writeNumberField("collective_wait_us", wait / 1000.0);
        g.writeNumberField("measured_without_collective_wait_us", (measured - wait) / 1000.0);
        g.writeBooleanField("wait_separated", report.collectives().ranks().size() > 1);
        if (simulated) {
            g.writeNumberField("predicted_kernel_time_us", report.predictedNs() / 1000.0);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Stages, efficiency per stage, family and op, and the top kernels. */
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
        for (Map.Entry<String, EfficiencyTotals> e : sorted(a.rollup(k -> k.stage().id() + "\u0000" + k.family()))) {
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
        g.writeObjectFieldStart("top_kernels");
        g.writeFieldName("by_time");
        named(g, a.topByTime(), simulated);
        g.writeFieldName("by_lost_time");
        named(g, a.topByLostTime(), simulated);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static List<Map.Entry<String, EfficiencyTotals>> sorted(Map<String, EfficiencyTotals> rows) {
        return rows.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, EfficiencyTotals> e) -> e.getValue().kernelTimeNs())
                        .reversed().thenComparing(Map.Entry::getKey))
                .toList();
    }

    private static void rollup(JsonGenerator g, Map<String, EfficiencyTotals> rows, String key, boolean simulated)
            throws IOException {
        g.writeStartArray();
        for (Map.Entry<String, EfficiencyTotals> e : sorted(rows)) {
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

    private static void collectives(JsonGenerator g, CollectiveMatcher.Report r, boolean whatIf) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("ranks");
        for (Integer rank : r.ranks()) {
            value(g, rank);
        }
        g.writeEndArray();
        g.writeBooleanField("wait_separated", r.ranks().size() > 1);
        g.writeNumberField("matched_calls", r.calls().size());
        g.writeNumberField("transfer_time_us", r.transferNs() / 1000.0);
        g.writeNumberField("wait_time_us", r.waitNs() / 1000.0);
        g.writeObjectFieldStart("unmatched_kernels_by_rank");
        for (Map.Entry<Integer, ?> e : new java.util.TreeMap<>(r.unmatched()).entrySet()) { // by rank: traces finish in any order
            g.writeFieldName(Integer.toString(e.getKey()));
            value(g, e.getValue());
        }
        g.writeEndObject();
        if (r.accuracy().isPresent()) {
            g.writeFieldName("accuracy_against_transfer");
            accuracy(g, r.accuracy().get(), whatIf);
        } else {
            g.writeNullField("accuracy_against_transfer");
        }
        g.writeArrayFieldStart("notes");
        for (String note : r.notes()) {
            g.writeString(note);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("calls");
        for (CollectiveMatcher.Call c : r.calls()) {
            g.writeStartObject();
            g.writeStringField("process_group", c.group());
            g.writeNumberField("sequence", c.sequence());
            g.writeStringField("collective", c.collective());
            g.writeStringField("stage", c.stage());
            g.writeNumberField("transfer_time_us", c.transferNs() / 1000.0);
            g.writeNumberField("last_arriving_rank", c.lastRank());
            if (c.predictedTransferNs().isPresent()) {
                g.writeNumberField("predicted_time_us", c.predictedTransferNs().get() / 1000.0);
            }
            g.writeArrayFieldStart("ranks");
            for (CollectiveMatcher.Participant p : c.participants()) {
                g.writeStartObject();
                g.writeNumberField("rank", p.rank());
                g.writeNumberField("start_us", BigDecimal.valueOf(p.startNs(), 3));
                g.writeNumberField("duration_us", p.durationNs() / 1000.0);
                g.writeNumberField("wait_us", p.waitNs() / 1000.0);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /**
     * The collectives' predictions against their measured transfer times. In a what-if run ({@code what_if}:
     * predicted on another GPU than the traces') the error fields keep their formulas but compare two GPUs;
     * {@code predicted_to_measured} is the projection to read there.
     */
    private static void accuracy(JsonGenerator g, AccuracyRow r, boolean whatIf) throws IOException {
        g.writeStartObject();
        g.writeNumberField("count", r.count());
        g.writeNumberField("measured_transfer_time_us", r.measuredNs() / 1000.0);
        g.writeNumberField("predicted_time_us", r.predictedNs() / 1000.0);
        g.writeNumberField("total_error_percent", r.totalErrorPercent());
        g.writeNumberField("median_abs_error_percent", r.medianAbsErrorPercent());
        g.writeNumberField("p90_abs_error_percent", r.p90AbsErrorPercent());
        g.writeBooleanField("what_if", whatIf);
        if (r.measuredNs() == 0) {
            g.writeNullField("predicted_to_measured");
        } else {
            g.writeNumberField("predicted_to_measured", (double) r.predictedNs() / r.measuredNs());
        }
        g.writeEndObject();
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
