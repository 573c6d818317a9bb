package io.flowsim.spark;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.DeviceInfo;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.KernelKind;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.RunSummary;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.TraceMetadata;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.PipelineResult;
import io.flowsim.runtime.pipeline.PipelineSpec;
import io.flowsim.runtime.pipeline.TraceKernels;
import io.flowsim.runtime.pipeline.TraceRun;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One trace through the command line's pipeline, on an executor: {@link Pipeline} as {@code flowsim
 * parse} runs it (trace source, resolver chain, stage and efficiency analysis, the csv exporter), so
 * the table has exactly the CSV's columns and rows; the rank by {@link TraceRun#outcome}'s rule; and
 * the simulation request of every kernel, keyed for the fleet-wide de-duplication. Any failure of the trace becomes its
 * outcome's reason; nothing escapes to fail the job.
 */
final class TraceTask {

    /** The exporter whose rows the kernels table holds. */
    static final String CSV_EXPORTER = "csv";
    /**
     * The backend whose GPU peaks efficiency is measured against: the command line's default
     * backend, as {@code flowsim parse} and {@code flowsim simulate} use (none when it is not installed).
     */
    static final String PEAKS_BACKEND = "analytical";

    /** Reads what the CSV exporter wrote: its header, then the rows. */
    private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();

    private TraceTask() {
    }

    static TraceOutcome process(TraceInput input, JobSettings settings, HadoopConfiguration hadoop) {
        long started = System.nanoTime();
        Path work = null;
        try {
            work = Files.createTempDirectory("flowsim-spark-");
            Path local = localFile(input, hadoop, work);
            Path output = Files.createDirectories(work.resolve("output"));
            Options options = settings.extensionOptions().with("trace-file", local.toString())
                    .with("output-dir", output.toString());
            RunContext context = RunContext.of(options, Reporter.silent(), output, taskCpus());
            ExtensionRegistry registry = ExecutorPlugins.registry(settings);
            // exactly `flowsim parse`: its trace source, resolver chain, stage and efficiency analysis
            // (against the GPU peaks of the command line's default backend), through the csv exporter
            PipelineSpec spec = new PipelineSpec(local, output, Optional.empty(), List.of(), List.of(CSV_EXPORTER),
                    Optional.empty(), Optional.empty(), false, Optional.of(PEAKS_BACKEND));
            List<ResolvedKernel> kept = new ArrayList<>();
            PipelineResult result = new Pipeline(registry, context).run(spec, r -> kept.add(r.kernel()));
            TraceKernels trace = new TraceKernels(result.summary().metadata(), kept);
            Path csvFile = result.files().stream()
                    .filter(p -> p.getFileName().toString().equals(trace.metadata().traceName() + ".csv"))
                    .findFirst()
                    .orElseThrow(() -> FlowsimException.badInput("the csv exporter wrote no kernel CSV for "
                            + input.path()));
            TraceRun.TraceOutcome placed = TraceRun.outcome(local, trace.metadata().traceName(), output,
                    input.rankByName(), result);
            return rows(input, settings, trace, result.summary(), placed, csvFile, started);
        } catch (FlowsimException e) {
            return TraceOutcome.failed(input, oneLine(e.getMessage()), millisSince(started));
        } catch (UncheckedIOException e) {
            return TraceOutcome.failed(input, oneLine(e.getMessage() + ": " + e.getCause().getMessage()),
                    millisSince(started));
        } catch (IOException e) {
            return TraceOutcome.failed(input, oneLine("cannot read " + input.path() + ": " + e.getMessage()),
                    millisSince(started));
        } catch (RuntimeException | StackOverflowError e) {
            return TraceOutcome.failed(input, oneLine("internal error on " + input.path() + ": " + e),
                    millisSince(started));
        } finally {
            deleteRecursively(work);
        }
    }

    /**
     * The cores Spark reserved for this task ({@code spark.task.cpus}, 1 unless configured): the
     * threads the trace may keep busy, so that a source that could inflate on a second thread reads on
     * the task's own thread when the executor runs one task per core. 1 outside a task.
     */
    static int taskCpus() {
        TaskContext task = TaskContext.get();
        return task == null ? 1 : Math.max(1, task.cpus());
    }

    private static TraceOutcome rows(TraceInput input, JobSettings settings, TraceKernels trace, RunSummary summary,
                                     TraceRun.TraceOutcome placed, Path csvFile, long started) throws IOException {
        Optional<HardwareTarget> target;
        String note = "";
        try {
            target = Optional.of(trace.target(settings.gpu()));
        } catch (FlowsimException e) {
            target = Optional.empty();
            note = oneLine(e.getMessage());
        }
        String targetJson = target.map(RequestCodec::json).orElse("");
        Map<SimulationRequest, String> keys = new HashMap<>();
        Map<String, TraceOutcome.RequestRow> requests = new LinkedHashMap<>();
        List<TraceOutcome.KernelRow> kernels = new ArrayList<>();
        List<String> header;
        try (Reader reader = Files.newBufferedReader(csvFile, StandardCharsets.UTF_8);
             CSVParser parser = CSV.parse(reader)) {
            header = parser.getHeaderNames();
            Iterator<CSVRecord> records = parser.iterator();
            for (ResolvedKernel k : trace.kernels()) {
                if (k.kernel().kind() != KernelKind.KERNEL) {
                    continue;
                }
                if (!records.hasNext()) {
                    throw FlowsimException.badInput("the kernel CSV of " + input.path() + " has fewer rows than the"
                            + " trace has kernels");
                }
                String key = "";
                if (target.isPresent()) {
                    SimulationRequest request = SimulationRequest.of(k);
                    key = keys.computeIfAbsent(request, r -> {
                        String requestJson = RequestCodec.json(r);
                        String k2 = RequestCodec.key(targetJson, requestJson);
                        requests.putIfAbsent(k2, new TraceOutcome.RequestRow(k2, targetJson, requestJson));
                        return k2;
                    });
                }
                kernels.add(new TraceOutcome.KernelRow(k.kernel().index(), k.kernel().durationNs(), key,
                        key.isEmpty() ? note : "", records.next().toList()));
            }
            if (records.hasNext()) {
                throw FlowsimException.badInput("the kernel CSV of " + input.path() + " has more rows than the trace"
                        + " has kernels");
            }
        }
        TraceMetadata metadata = trace.metadata();
        String gpu = target.flatMap(HardwareTarget::traceDevice).map(DeviceInfo::name)
                .or(() -> metadata.devices().stream().findFirst().map(DeviceInfo::name)).orElse("");
        return new TraceOutcome(input, "", metadata.traceName(), placed.rank(), placed.rankSource(), gpu, header,
                kernels, List.copyOf(requests.values()), summary.kernelTimeNs(), summary.busyTimeNs(),
                summary.wallTimeNs(), summary.resolvedFraction(), summary.unresolvedKernelCount(),
                summary.memoryOperationCount(), TraceOutcome.Analysis.of(summary.analysis()), millisSince(started));
    }

    /** The trace as a local file: itself on a local file system, else a copy in the task's directory. */
    private static Path localFile(TraceInput input, HadoopConfiguration hadoop, Path work) throws IOException {
        URI uri = URI.create(input.path());
        if ("file".equals(uri.getScheme())) {
            return Path.of(uri);
        }
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
        FileSystem fs = path.getFileSystem(hadoop.get());
        // keep the file name: the trace's name (and so its CSV's) comes from it
        Path copy = work.resolve(input.fileName());
        try (InputStream in = fs.open(path)) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        return copy;
    }

    /** A trace file's name without {@code .json}/{@code .json.gz} (the name of a trace that did not open). */
    static String nameOf(String fileName) {
        String name = fileName;
        for (String suffix : List.of(".gz", ".json")) {
            if (name.endsWith(suffix)) {
                name = name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace("\r", " ").replace("\n", " ");
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless; the task's result does not depend on it
        }
    }
}
