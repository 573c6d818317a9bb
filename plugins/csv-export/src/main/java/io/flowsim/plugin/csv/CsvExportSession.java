package io.flowsim.plugin.csv;

import io.flowsim.api.AtomicOutput;
import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.KernelAnalysis;
import io.flowsim.api.model.KernelEfficiency;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.LaunchConfig;
import io.flowsim.api.model.OperatorCall;
import io.flowsim.api.model.OperatorInput;
import io.flowsim.api.model.Parameter;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationResult;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Streams one row per GPU kernel into {@code <trace>.csv} and one row per memcpy/memset into
 * {@code <trace>.memory.csv}, each through a temporary file moved into place on {@link #finish}.
 */
final class CsvExportSession implements ExportSession {

    /** The original FlowSim's columns, in its order. */
    static final List<String> ORIGINAL_COLUMNS = List.of("Name", "Dims", "Data Type", "Input/Output", "Descriptions",
            "Duration (us)", "op", "operation", "Source Code", "Call Stack");
    /** Our columns after the original's. */
    static final List<String> EXTRA_COLUMNS = List.of("Start (us)", "Device", "Stream", "Correlation", "Grid", "Block",
            "Category", "Family", "Resolved By", "Match", "Operator", "Operands", "Attributes");
    /**
     * The runtime's analysis: stage, efficiency against the recorded GPU, and the time shared with kernels
     * of other streams (docs/output-formats.md).
     */
    static final List<String> ANALYSIS_COLUMNS = List.of("Stage", "Annotation", "FLOPs", "Bytes", "TFLOP/s", "TB/s",
            "Roofline (us)", "% of Peak", "Bound", "Overlap (us)", "Overlap (%)");
    /**
     * Columns added when the run simulated. {@code Predicted / Measured} is last so that the earlier columns keep
     * their places: in a what-if run (another GPU than the trace's) it is the projection to read, while {@code
     * Error (%)} keeps its formula and is then the difference between two GPUs (docs/output-formats.md).
     */
    static final List<String> SIMULATION_COLUMNS = List.of("Backend", "Predicted (us)", "Status", "Error (%)",
            "Simulation Note", "Predicted / Measured");
    /** Columns of the memory-operation file. */
    static final List<String> MEMORY_COLUMNS = List.of("Name", "Kind", "Bytes", "Direction", "Duration (us)",
            "Start (us)", "Device", "Stream", "Correlation", "op", "Operator", "Call Stack");

    /**
     * Python's {@code csv.writer} defaults: comma, minimal quoting with doubled quotes, CRLF after
     * every record. The header is printed explicitly.
     */
    static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setRecordSeparator("\r\n")
            .setQuoteMode(QuoteMode.MINIMAL)
            .get();

    private final boolean simulated;
    private final AtomicOutput kernelFile;
    private final AtomicOutput memoryFile;
    private final CSVPrinter kernels;
    private final CSVPrinter memory;
    private boolean finished;

    CsvExportSession(ExportContext context) {
        this.simulated = context.simulated();
        Path dir = context.outputDirectory();
        this.kernelFile = AtomicOutput.create(dir.resolve(context.traceName() + ".csv"));
        this.memoryFile = AtomicOutput.create(dir.resolve(context.traceName() + ".memory.csv"));
        try {
            this.kernels = new CSVPrinter(writer(kernelFile.temporary()), FORMAT);
            this.memory = new CSVPrinter(writer(memoryFile.temporary()), FORMAT);
            List<String> header = new ArrayList<>(ORIGINAL_COLUMNS);
            header.addAll(EXTRA_COLUMNS);
            header.addAll(ANALYSIS_COLUMNS);
            List<String> memoryHeader = new ArrayList<>(MEMORY_COLUMNS);
            if (simulated) {
                header.addAll(SIMULATION_COLUMNS);
                memoryHeader.addAll(SIMULATION_COLUMNS);
            }
            kernels.printRecord(header);
            memory.printRecord(memoryHeader);
        } catch (IOException e) {
            kernelFile.close();
            memoryFile.close();
            throw kernelFile.writeFailed(e);
        }
    }

    /**
     * UTF-8 that writes U+FFFD for an unpaired surrogate (which UTF-8 cannot encode) instead of
     * failing the whole export with an encoder error.
     */
    private static java.io.Writer writer(Path file) throws IOException {
        java.nio.charset.CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)
                .replaceWith(new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD});
        return new java.io.BufferedWriter(new java.io.OutputStreamWriter(Files.newOutputStream(file), utf8), 1 << 16);
    }

    @Override
    public void accept(KernelResult result) {
        boolean kernel = result.kernel().kernel().kind() == KernelKind.KERNEL;
        try {
            if (kernel) {
                kernels.printRecord(kernelRow(result));
            } else {
                memory.printRecord(memoryRow(result));
            }
        } catch (IOException e) {
            throw (kernel ? kernelFile : memoryFile).writeFailed(e);
        }
    }

    private List<String> kernelRow(KernelResult result) {
        ResolvedKernel k = result.kernel();
        KernelRecord r = k.kernel();
        Optional<OperatorCall> operator = r.operator();
        List<String> row = new ArrayList<>(ORIGINAL_COLUMNS.size() + EXTRA_COLUMNS.size() + SIMULATION_COLUMNS.size());
        row.add(r.name());
        row.add(CsvCells.dims(operator));
        row.add(CsvCells.types(operator));
        row.add(CsvCells.pythonList(k.parameters().stream().map(Parameter::role).toList()));
        row.add(descriptions(k));
        row.add(CsvCells.micros(r.durationNs()));
        row.add(k.opMapping());
        row.add(k.operation());
        row.add(k.sourceCode());
        row.add(r.callStackString());
        row.add(CsvCells.micros(r.startNs()));
        row.add(CsvCells.id(r.device()));
        row.add(CsvCells.id(r.stream()));
        row.add(r.correlationId().isPresent() ? Long.toString(r.correlationId().getAsLong()) : "");
        row.add(CsvCells.dim3(r.launch().map(LaunchConfig::grid)));
        row.add(CsvCells.dim3(r.launch().map(LaunchConfig::block)));
        row.add(CsvCells.lower(r.category()));
        row.add(k.family().id());
        row.add(CsvCells.lower(k.resolution().source()));
        row.add(k.resolution().reference());
        row.add(operator.map(OperatorCall::name).orElse(""));
        row.add(CsvCells.operands(k.operands()));
        row.add(CsvCells.attributes(k.attributes()));
        addAnalysis(row, result.analysis(), r.durationNs());
        if (simulated) {
            addSimulation(row, result);
        }
        return row;
    }

    /** The database's descriptions, else the argument names a shape annotation carries (as the original). */
    private static String descriptions(ResolvedKernel k) {
        if (!k.parameters().isEmpty()) {
            return CsvCells.pythonList(k.parameters().stream().map(Parameter::description).toList());
        }
        List<OperatorInput> inputs = k.kernel().operator().map(OperatorCall::inputs).orElse(List.of());
        if (!inputs.isEmpty() && inputs.stream().allMatch(i -> i.name().isPresent())) {
            return CsvCells.pythonList(inputs.stream().map(i -> i.name().orElseThrow()).toList());
        }
        return "";
    }

    private List<String> memoryRow(KernelResult result) {
        ResolvedKernel k = result.kernel();
        KernelRecord r = k.kernel();
        List<String> row = new ArrayList<>(MEMORY_COLUMNS.size() + SIMULATION_COLUMNS.size());
        row.add(r.name());
        row.add(CsvCells.lower(r.kind()));
        row.add(r.transfer().map(t -> Long.toString(t.bytes())).orElse(""));
        row.add(r.transfer().map(t -> t.direction()).orElse(""));
        row.add(CsvCells.micros(r.durationNs()));
        row.add(CsvCells.micros(r.startNs()));
        row.add(CsvCells.id(r.device()));
        row.add(CsvCells.id(r.stream()));
        row.add(r.correlationId().isPresent() ? Long.toString(r.correlationId().getAsLong()) : "");
        row.add(k.opMapping());
        row.add(r.operator().map(OperatorCall::name).orElse(""));
        row.add(r.callStackString());
        if (simulated) {
            addSimulation(row, result);
        }
        return row;
    }

    private static void addAnalysis(List<String> row, KernelAnalysis analysis, long durationNs) {
        row.add(analysis.stage().id());
        row.add(analysis.annotation());
        Optional<KernelEfficiency> e = analysis.efficiency().filter(x -> x.work().known());
        row.add(e.map(x -> CsvCells.number(x.work().flops())).orElse(""));
        row.add(e.map(x -> CsvCells.number(x.work().network() ? x.work().networkBytes() : x.work().bytes()))
                .orElse(""));
        row.add(e.filter(x -> x.durationNs() > 0).map(x -> CsvCells.rate(x.flopsPerSecond() / 1e12)).orElse(""));
        row.add(e.filter(x -> x.durationNs() > 0).map(x -> CsvCells.rate(x.bytesPerSecond() / 1e12)).orElse(""));
        row.add(e.filter(x -> x.rooflineNs().isPresent())
                .map(x -> CsvCells.rate(x.rooflineNs().getAsDouble() / 1000)).orElse(""));
        row.add(e.map(x -> CsvCells.percent(x.percentOfPeak())).orElse(""));
        row.add(analysis.efficiency().map(x -> x.bound().id()).orElse(""));
        row.add(analysis.overlapNs().isPresent() ? CsvCells.micros(analysis.overlapNs().getAsLong()) : "");
        row.add(CsvCells.percent(analysis.overlapPercent(durationNs)));
    }

    private static void addSimulation(List<String> row, KernelResult result) {
        Optional<SimulationResult> s = result.simulation();
        row.add(s.map(SimulationResult::backend).orElse(""));
        row.add(s.flatMap(x -> x.predictedNs().isPresent() ? Optional.of(CsvCells.micros(x.predictedNs().getAsLong()))
                : Optional.empty()).orElse(""));
        row.add(s.map(x -> CsvCells.lower(x.status())).orElse(""));
        row.add(CsvCells.percent(result.errorPercent()));
        row.add(s.map(SimulationResult::reason).orElse(""));
        long measured = result.kernel().kernel().durationNs();
        row.add(measured > 0 && s.isPresent() && s.get().predictedNs().isPresent()
                ? CsvCells.ratio((double) s.get().predictedNs().getAsLong() / measured) : "");
    }

    @Override
    public List<Path> finish(RunSummary summary) {
        try {
            kernels.close();
            memory.close();
        } catch (IOException e) {
            throw kernelFile.writeFailed(e);
        }
        kernelFile.commit();
        memoryFile.commit();
        finished = true;
        return List.of(kernelFile.target(), memoryFile.target());
    }

    @Override
    public void close() {
        if (!finished) {
            try {
                kernels.close();
                memory.close();
            } catch (IOException ignored) {
                // the temporary files are deleted next; nothing else to release
            }
        }
        kernelFile.close();
        memoryFile.close();
    }
}
