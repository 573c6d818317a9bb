package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.flowsim.api.AtomicOutput;
import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.model.DataType;
import io.flowsim.api.model.Dims;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.ResolutionSource;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunSummary;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the kernels not resolved through a database, one aggregate per name (memory grows with
 * the number of distinct unknown names: about 100 bytes each besides the name and what the trace
 * source keeps anyway), and writes them atomically on {@link #finish}.
 */
final class UnknownKernelsSession implements ExportSession {

    /**
     * Writes with jackson-core alone (databind's tree cost a cold process noticeable CPU), indented
     * like the original FlowSim's file, exact decimals never in exponent form.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private final ExportContext context;
    private final Path target;
    private final Path schemaTarget;
    private final Map<String, Unknown> unknown = new HashMap<>();
    private final Map<String, String> resolutions = new HashMap<>();
    private final AtomicOutput output;
    private final AtomicOutput schemaOutput;

    UnknownKernelsSession(ExportContext context) {
        this.context = context;
        this.target = context.outputDirectory().resolve(UnknownKernelsExporter.FILE_NAME);
        this.schemaTarget = context.outputDirectory().resolve(UnknownKernelsExporter.SCHEMA_FILE_NAME);
        // reserved now, before any work, so that a target the run reads is refused up front
        this.output = AtomicOutput.create(target);
        AtomicOutput schema;
        try {
            schema = AtomicOutput.create(schemaTarget);
        } catch (RuntimeException e) {
            output.close();
            throw e;
        }
        this.schemaOutput = schema;
    }

    /**
     * One unknown kernel name: what the file says of its first occurrence, with counts. Only the
     * fields written are kept, not the kernel record (a trace may hold a million unknown names).
     */
    private static final class Unknown {
        final String name;
        final String implementation;
        /** The heuristic family's id, or null when no heuristic classified it. */
        final String family;
        final List<String> callStack;
        final List<OperatorInput> inputs;
        final String resolution;
        /** The operator's shape source, or null without a linked operator. */
        final String shapeSource;
        long count;
        long totalNs;

        Unknown(ResolvedKernel k, String resolution) {
            KernelRecord r = k.kernel();
            this.name = r.name();
            String operator = r.operator().map(OperatorCall::name).orElse("");
            this.implementation = operator.isEmpty() ? KernelsJsonSession.implementationFrame(r) : operator;
            boolean heuristic = k.resolution().source() == ResolutionSource.HEURISTIC;
            this.family = heuristic ? k.family().id() : null;
            this.callStack = r.callStack();
            this.inputs = r.operator().map(OperatorCall::inputs).orElse(List.of());
            this.resolution = resolution;
            this.shapeSource = r.operator().map(o -> o.shapeSource().name().toLowerCase(java.util.Locale.ROOT))
                    .orElse(null);
        }
    }

    @Override
    public void accept(KernelResult result) {
        ResolvedKernel k = result.kernel();
        KernelRecord r = k.kernel();
        if (r.kind() != KernelKind.KERNEL || k.resolvedByDatabase()) {
            return;
        }
        Unknown u = unknown.get(r.name());
        if (u == null) {
            String resolution = k.resolution().source() == ResolutionSource.HEURISTIC
                    ? k.resolution().reference() : "unresolved";
            // the heuristics' few references, each kept once rather than once per name
            u = new Unknown(k, resolutions.computeIfAbsent(resolution, x -> x));
            unknown.put(r.name(), u);
        }
        u.count++;
        u.totalNs += r.durationNs();
    }

    @Override
    public List<Path> finish(RunSummary summary) {
        List<Unknown> sorted = new ArrayList<>(unknown.values());
        sorted.sort(Comparator.comparingLong((Unknown u) -> u.totalNs).reversed()
                .thenComparing(u -> u.name));
        try {
            Files.write(schemaOutput.temporary(), KernelsSchema.readText());
        } catch (IOException e) {
            throw schemaOutput.writeFailed(e);
        }
        try (OutputStream out = Files.newOutputStream(output.temporary());
             JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            // "$schema" names the copy of the schema written beside the file, so an editor validates and
            // completes entries offline, wherever the output directory is.
            g.writeStringField(KernelDatabaseReader.SCHEMA_FIELD, UnknownKernelsExporter.SCHEMA_FILE_NAME);
            g.writeArrayFieldStart(KernelDatabaseReader.KERNELS_FIELD);
            for (Unknown u : sorted) {
                entry(g, u);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw output.writeFailed(e);
        }
        schemaOutput.commit();
        output.commit();
        return List.of(target, schemaTarget);
    }

    private void entry(JsonGenerator g, Unknown u) throws IOException {
        g.writeStartObject();
        g.writeStringField("kernel_name", u.name);
        g.writeStringField("kernel_implementation", u.implementation);
        if (u.family != null) {
            g.writeStringField("family", u.family);
        }
        g.writeStringField("op_mapping", "");
        g.writeStringField("operation", "");
        g.writeStringField("source_code", "");
        g.writeStringField("call_stack", String.join(KernelRecord.CALL_STACK_SEPARATOR, u.callStack));
        g.writeArrayFieldStart("params");
        for (int i = 0; i < u.inputs.size(); i++) {
            OperatorInput in = u.inputs.get(i);
            g.writeStartObject();
            g.writeNumberField("id", i);
            g.writeStringField("role", "unknown");
            g.writeFieldName("example_dim");
            dims(g, in.dims());
            DataType t = in.dataType();
            g.writeStringField("example_dtype", t == DataType.UNKNOWN ? in.type() : t.id());
            g.writeStringField("description", in.name().orElse(""));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("observed");
        g.writeStringField("trace", context.traceName());
        g.writeNumberField("count", u.count);
        g.writeNumberField("total_duration_us", micros(u.totalNs));
        g.writeStringField("resolution", u.resolution);
        if (u.shapeSource != null) {
            g.writeStringField("shape_source", u.shapeSource);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void dims(JsonGenerator g, Dims dims) throws IOException {
        g.writeStartArray();
        if (dims instanceof Dims.Tensor t) {
            for (long size : t.sizes()) {
                g.writeNumber(size);
            }
        } else if (dims instanceof Dims.TensorList l) {
            for (Dims d : l.elements()) {
                dims(g, d);
            }
        }
        g.writeEndArray();
    }

    @Override
    public void close() {
        output.close();
        schemaOutput.close();
    }

    /** Microseconds without trailing zeros ({@code 43.7}), as summary.json writes them. */
    private static BigDecimal micros(long ns) {
        BigDecimal us = BigDecimal.valueOf(ns, 3).stripTrailingZeros();
        return us.scale() < 0 ? us.setScale(0) : us;
    }
}
