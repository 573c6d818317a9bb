package io.flowsim.runtime.cli;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.runtime.pipeline.PipelineSpec;
import io.flowsim.api.Reporter;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.TraceRun;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Options shared by {@code parse} and {@code simulate}. */
final class PipelineOptions {

    @Option(names = "--trace-file", paramLabel = "FILE",
            description = "A trace to read (*.json or *.json.gz from the PyTorch profiler); repeatable, "
                    + "one per rank or stage.")
    List<Path> traceFiles = new ArrayList<>();

    @Option(names = "--trace-dir", paramLabel = "DIR",
            description = "Read every *.json and *.json.gz trace in DIR (e.g. one per rank); JSON files the trace "
                    + "source says are not traces (such as the demo's *.meta.json sidecars) are listed as skipped.")
    Path traceDirectory;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "flowsim-output",
            converter = NonEmptyOutput.ToPath.class,
            description = "Where to write the outputs (default: ${DEFAULT-VALUE}). One trace writes <trace name>.csv,"
                    + " summary.json and run.json into DIR; several write DIR/<trace name>/ each and DIR/run.json,"
                    + " replacing the previous run in DIR as a whole.")
    Path outputDirectory;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Traces analysed at the same time (default: the number of processors).")
    Integer jobs;

    @Option(names = "--group-by", paramLabel = "WHAT",
            description = "Also split the summaries by 'annotation': the innermost user annotation "
                    + "(record_function range) around each kernel's launch.")
    String groupBy;

    @Option(names = "--source", paramLabel = "NAME",
            description = "The trace source to read with (default: the first that can read the file).")
    String source;

    @Option(names = "--resolver", paramLabel = "NAME",
            description = "Resolvers to use, in chain order; repeatable (default: all, by priority).")
    List<String> resolvers = new ArrayList<>();

    @Option(names = "--exporter", paramLabel = "NAME",
            description = "Exporters to use; repeatable (default: all installed).")
    List<String> exporters = new ArrayList<>();

    @Option(names = "--report", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Write report.html and <trace name>.timeline.json.gz (the report plugin; default: on; "
                    + "--no-report skips both).")
    boolean report;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "How to print the summary: text (default) or json (one JSON document on standard output; "
                    + "messages stay on standard error).")
    String format;

    /** The traces to read, in order. */
    List<Path> traces(ExtensionRegistry registry, Reporter reporter) {
        return TraceRun.collect(traceFiles, Optional.ofNullable(traceDirectory), registry, Optional.ofNullable(source),
                reporter);
    }

    int jobs() {
        return jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
    }

    boolean json() {
        return OutputFormat.isJson(format);
    }

    void addTo(Options.Builder options, List<Path> traces) {
        if (traces.size() == 1) {
            CommandOptionKey.TRACE_FILE.set(options, traces.get(0));
        }
        CommandOptionKey.REPORT.set(options, report);
        CommandOptionKey.OUTPUT_DIR.set(options, outputDirectory);
    }

    PipelineSpec spec(Optional<String> backend, Optional<String> gpu, Path firstTrace) {
        boolean byAnnotation = false;
        if (groupBy != null) {
            if (!groupBy.trim().equalsIgnoreCase("annotation")) {
                throw FlowsimException.usage("--group-by takes 'annotation', got '" + groupBy + "'");
            }
            byAnnotation = true;
        }
        // the default backend also gives the GPU peaks efficiency is measured against
        return new PipelineSpec(firstTrace, outputDirectory, Optional.ofNullable(source), resolvers, exporters,
                backend, gpu, byAnnotation, Optional.of(SimulateCommand.DEFAULT_BACKEND));
    }
}
