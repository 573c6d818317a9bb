package io.flowsim.runtime.cli;

import io.flowsim.api.Options;
import io.flowsim.runtime.pipeline.PipelineSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Options shared by {@code parse} and {@code simulate}. */
final class PipelineOptions {

    @Option(names = "--trace-file", required = true, paramLabel = "FILE",
            description = "The trace to read (*.json or *.json.gz from the PyTorch profiler).")
    Path traceFile;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "flowsim-output",
            description = "Where to write <trace name>.csv, summary.json and unknown_kernels.json "
                    + "(created if missing; default: ${DEFAULT-VALUE}).")
    Path outputDirectory;

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

    void addTo(Options.Builder options) {
        options.add("trace-file", traceFile.toString());
        options.add("report", Boolean.toString(report));
        options.add("output-dir", outputDirectory.toString());
    }

    PipelineSpec spec(Optional<String> backend, Optional<String> gpu) {
        return new PipelineSpec(traceFile, outputDirectory, Optional.ofNullable(source), resolvers, exporters,
                backend, gpu);
    }
}
