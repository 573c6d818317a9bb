package io.flowsim.plugin.kernels;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the kernels not resolved through a database, one aggregate per name (memory grows with
 * the number of distinct unknown names), and writes them atomically on {@link #finish}.
 */
final class UnknownKernelsSession implements ExportSession {

    private static final JsonNodeFactory NODES = KernelsJson.MAPPER.getNodeFactory();

    private final ExportContext context;
    private final Path target;
    private final Path schemaTarget;
    private final Map<String, Unknown> unknown = new LinkedHashMap<>();
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

    /** One unknown kernel name: the first occurrence as the example, with counts. */
    private static final class Unknown {
        final ResolvedKernel example;
        long count;
        long totalNs;

        Unknown(ResolvedKernel example) {
            this.example = example;
        }
    }

    @Override
    public void accept(KernelResult result) {
        ResolvedKernel k = result.kernel();
        KernelRecord r = k.kernel();
        if (r.kind() != KernelKind.KERNEL || k.resolvedByDatabase()) {
            return;
        }
        Unknown u = unknown.computeIfAbsent(r.name(), n -> new Unknown(k));
        u.count++;
        u.totalNs += r.durationNs();
    }

    @Override
    public List<Path> finish(RunSummary summary) {
        List<Unknown> sorted = new ArrayList<>(unknown.values());
        sorted.sort(Comparator.comparingLong((Unknown u) -> u.totalNs).reversed()
                .thenComparing(u -> u.example.kernel().name()));
        // "$schema" names the copy of the schema written beside the file, so an editor validates and
        // completes entries offline, wherever the output directory is.
        ObjectNode root = NODES.objectNode();
        root.put(KernelDatabaseReader.SCHEMA_FIELD, UnknownKernelsExporter.SCHEMA_FILE_NAME);
        ArrayNode kernels = root.putArray(KernelDatabaseReader.KERNELS_FIELD);
        for (Unknown u : sorted) {
            kernels.add(entry(u));
        }
        try {
            Files.write(schemaOutput.temporary(), KernelsSchema.get().text());
        } catch (IOException e) {
            throw schemaOutput.writeFailed(e);
        }
        try (OutputStream out = Files.newOutputStream(output.temporary())) {
            KernelsJson.MAPPER.writeValue(out, root);
        } catch (IOException e) {
            throw output.writeFailed(e);
        }
        schemaOutput.commit();
        output.commit();
        return List.of(target, schemaTarget);
    }

    private ObjectNode entry(Unknown u) {
        ResolvedKernel k = u.example;
        KernelRecord r = k.kernel();
        ObjectNode e = NODES.objectNode();
        e.put("kernel_name", r.name());
        String operator = r.operator().map(OperatorCall::name).orElse("");
        e.put("kernel_implementation", operator.isEmpty() ? KernelsJsonSession.implementationFrame(r) : operator);
        if (k.resolution().source() == ResolutionSource.HEURISTIC) {
            e.put("family", k.family().id());
        }
        e.put("op_mapping", "");
        e.put("operation", "");
        e.put("source_code", "");
        e.put("call_stack", r.callStackString());
        ArrayNode params = e.putArray("params");
        List<OperatorInput> inputs = r.operator().map(OperatorCall::inputs).orElse(List.of());
        for (int i = 0; i < inputs.size(); i++) {
            OperatorInput in = inputs.get(i);
            ObjectNode p = params.addObject();
            p.put("id", i);
            p.put("role", "unknown");
            p.set("example_dim", dims(in.dims()));
            DataType t = in.dataType();
            p.put("example_dtype", t == DataType.UNKNOWN ? in.type() : t.id());
            p.put("description", in.name().orElse(""));
        }
        ObjectNode observed = e.putObject("observed");
        observed.put("trace", context.traceName());
        observed.put("count", u.count);
        observed.put("total_duration_us", micros(u.totalNs));
        observed.put("resolution", k.resolution().source() == ResolutionSource.HEURISTIC
                ? k.resolution().reference() : "unresolved");
        r.operator().ifPresent(o -> observed.put("shape_source", o.shapeSource().name().toLowerCase(java.util.Locale.ROOT)));
        return e;
    }

    private static ArrayNode dims(Dims dims) {
        ArrayNode a = NODES.arrayNode();
        if (dims instanceof Dims.Tensor t) {
            t.sizes().forEach(a::add);
        } else if (dims instanceof Dims.TensorList l) {
            l.elements().forEach(d -> a.add(dims(d)));
        }
        return a;
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
