package io.flowsim.runtime.cli;

import io.flowsim.api.CapturedTrace;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.RunContext;
import io.flowsim.api.TraceSource;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.PipelineResult;
import io.flowsim.runtime.pipeline.PipelineSpec;
import io.flowsim.runtime.pipeline.PrintableText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code flowsim profile}: run a workload under the profiler and collect its traces. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        header = "Run a workload under a profiler and collect the traces.",
        description = "Run a workload under a profiler with a capturing trace source (the bundled"
            + " one starts a server with the PyTorch profiler and drives it with a benchmark;"
            + " its options are below), and collect the *.trace.json.gz files this run created"
            + " (one per GPU rank).",
        footer = {"",
            "Exit codes: 0 traces captured; 2 bad options (or no trace because --bench-opts lacks --profile);",
            "3 no interpreter, server died or never ready, benchmark failed or timed out, no trace written;",
            "130 interrupted. Every process started is stopped in all cases. See docs/profiling.md."})
final class ProfileCommand implements Callable<Integer>, DeclaredOptions.UsesExtensions {

    @Override
    public java.util.Set<ExtensionPoint> extensionPoints() {
        return java.util.EnumSet.of(ExtensionPoint.TRACE_SOURCE, ExtensionPoint.KERNEL_RESOLVER, ExtensionPoint.EXPORTER);
    }

    @ParentCommand
    FlowsimCommand root;

    @Option(names = "--source", paramLabel = "NAME",
            description = "The capturing trace source (default: the first installed one that can capture; "
                    + "'flowsim plugins' lists them).")
    String source;

    @Option(names = "--parse",
            description = "Parse the new traces right away into --output-dir.")
    boolean parse;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "flowsim-output",
            converter = NonEmptyOutput.ToPath.class,
            description = "With --parse: where to write the parse outputs (default: ${DEFAULT-VALUE}).")
    Path outputDirectory;

    @Override
    public Integer call() {
        Options.Builder options = root.options();
        try (ExtensionRegistry registry = root.discover()) {
            TraceSource capturing = source != null
                    ? registry.require(ExtensionPoint.TRACE_SOURCE, TraceSource.class, source)
                    : registry.traceSources().stream().map(d -> d.extension()).filter(TraceSource::canCapture)
                    .findFirst().orElseThrow(() -> FlowsimException.usage("no installed trace source can capture "
                            + "traces (installed: " + registry.names(ExtensionPoint.TRACE_SOURCE) + ")"));
            if (!capturing.canCapture()) {
                throw FlowsimException.usage("trace source '" + source + "' cannot capture traces");
            }
            RunContext context = RunContext.of(options.build(), root.reporter(), null);
            List<CapturedTrace> traces = capturing.capture(context);
            for (CapturedTrace t : traces) {
                root.out.println("Captured  " + PrintableText.of(t.file())
                        + (t.rank().isPresent() ? " (rank " + t.rank().getAsInt() + ")" : ""));
            }
            if (parse) {
                for (CapturedTrace t : traces) {
                    // summary.json and unknown_kernels.json have fixed names: one directory per trace
                    // when there are several, so no rank overwrites another's
                    Path dir = traces.size() > 1 ? outputDirectory.resolve(traceName(t.file())) : outputDirectory;
                    Options.Builder parseOptions = root.options();
                    CommandOptionKey.TRACE_FILE.set(parseOptions, t.file());
                    CommandOptionKey.OUTPUT_DIR.set(parseOptions, dir);
                    RunContext parseContext = RunContext.of(parseOptions.build(), root.reporter(), dir);
                    PipelineResult result = new Pipeline(registry, parseContext).run(new PipelineSpec(t.file(),
                            dir, Optional.empty(), List.of(), List.of(), Optional.empty(), Optional.empty()));
                    root.out.println();
                    SummaryPrinter.print(root.out, result);
                }
            }
        }
        return 0;
    }

    /** The file name without {@code .json} / {@code .json.gz}. */
    private static String traceName(Path file) {
        return file.getFileName().toString().replaceFirst("\\.gz$", "").replaceFirst("\\.json$", "");
    }
}
