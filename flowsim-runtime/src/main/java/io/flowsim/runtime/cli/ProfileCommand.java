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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code flowsim profile}: run a workload under the profiler and collect its traces. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        header = "Run sglang under the PyTorch profiler and collect the traces.",
        description = {"Run an sglang server with the PyTorch profiler, drive it with sglang's bench_serving,",
            "and collect the *.trace.json.gz files this run created (one per GPU rank)."},
        footer = {"",
            "More settings with -O KEY=VALUE: trace-timeout (default 5m: how long to wait for the traces",
            "after the benchmark), stop-grace (default 15s: SIGTERM to SIGKILL when stopping processes).",
            "Exit codes: 0 traces captured; 2 bad options (or no trace because --bench-opts lacks --profile);",
            "3 no interpreter, server died or never ready, benchmark failed or timed out, no trace written;",
            "130 interrupted. Every process started is stopped in all cases. See docs/profiling.md."})
final class ProfileCommand implements Callable<Integer> {

    static final String DEFAULT_SOURCE = "sglang-profiler";

    @ParentCommand
    FlowsimCommand root;

    @Option(names = "--source", paramLabel = "NAME", defaultValue = DEFAULT_SOURCE,
            description = "The capturing trace source (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--profile-dir", required = true, paramLabel = "DIR",
            description = "Where the profiler writes traces (created if missing; existing files are kept).")
    Path profileDirectory;

    @Option(names = "--log-dir", required = true, paramLabel = "DIR",
            description = "Where the server's and the benchmark's output go.")
    Path logDirectory;

    @Option(names = "--server-opts", required = true, paramLabel = "ARGS",
            description = "Arguments for 'python -m sglang.launch_server', as one string.")
    String serverOptions;

    @Option(names = "--bench-opts", required = true, paramLabel = "ARGS",
            description = "Arguments for 'python -m sglang.bench_serving', as one string (include --profile).")
    String benchOptions;

    @Option(names = "--python", paramLabel = "PATH",
            description = "The Python interpreter that has sglang (default: python3 on the PATH).")
    String python;

    @Option(names = "--server-timeout", paramLabel = "DURATION",
            description = "How long the server may take to become ready (default: 10m).")
    String serverTimeout;

    @Option(names = "--bench-timeout", paramLabel = "DURATION",
            description = "How long the benchmark may run (default: 20m).")
    String benchTimeout;

    @Option(names = "--keep-server",
            description = "Leave the server running after the benchmark (default: always stop it).")
    boolean keepServer;

    @Option(names = "--parse",
            description = "Parse the new traces right away into --output-dir.")
    boolean parse;

    @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = "flowsim-output",
            description = "With --parse: where to write the parse outputs (default: ${DEFAULT-VALUE}).")
    Path outputDirectory;

    @Override
    public Integer call() {
        Options.Builder options = root.options()
                .add("profile-dir", profileDirectory.toString())
                .add("log-dir", logDirectory.toString())
                .add("server-opts", serverOptions)
                .add("bench-opts", benchOptions)
                .addIfPresent("python", python)
                .addIfPresent("server-timeout", serverTimeout)
                .addIfPresent("bench-timeout", benchTimeout)
                .add("keep-server", Boolean.toString(keepServer));
        try (ExtensionRegistry registry = root.discover()) {
            TraceSource capturing = registry.require(ExtensionPoint.TRACE_SOURCE, TraceSource.class, source);
            if (!capturing.canCapture()) {
                throw FlowsimException.usage("trace source '" + source + "' cannot capture traces");
            }
            RunContext context = RunContext.of(options.build(), root.reporter(), null);
            List<CapturedTrace> traces = capturing.capture(context);
            for (CapturedTrace t : traces) {
                root.out.println("Captured  " + t.file()
                        + (t.rank().isPresent() ? " (rank " + t.rank().getAsInt() + ")" : ""));
            }
            if (parse) {
                for (CapturedTrace t : traces) {
                    // summary.json and unknown_kernels.json have fixed names: one directory per trace
                    // when there are several, so no rank overwrites another's
                    Path dir = traces.size() > 1 ? outputDirectory.resolve(traceName(t.file())) : outputDirectory;
                    Options parseOptions = root.options().add("trace-file", t.file().toString())
                            .add("output-dir", dir.toString()).build();
                    RunContext parseContext = RunContext.of(parseOptions, root.reporter(), dir);
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
