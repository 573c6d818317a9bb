package io.flowsim.runtime.cli;

import io.flowsim.api.Options;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.TraceRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code flowsim simulate}: parse, then predict every kernel's duration with a backend and compare. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        header = "Parse a trace and predict every kernel's duration; print the accuracy.",
        description = {"Parse a trace and predict every kernel's duration with a simulator backend;",
            "write predictions beside the measured durations and print the accuracy per family."})
final class SimulateCommand implements Callable<Integer> {

    /** The backend used when none is named. */
    static final String DEFAULT_BACKEND = Pipeline.DEFAULT_BACKEND;

    @ParentCommand
    FlowsimCommand root;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = DEFAULT_BACKEND,
            description = "The simulator backend (default: ${DEFAULT-VALUE}, embedded and offline; "
                    + "llmcompass talks to an LLMCompass server).")
    String backend;

    @Option(names = "--gpu", paramLabel = "NAME",
            description = "The GPU to simulate (default: the GPU the trace was recorded on), e.g. H100, B200.")
    String gpu;

    @Option(names = "--hardware", paramLabel = "FILE",
            description = "A hardware profile (JSON) to add to the analytical backend's; repeatable.")
    List<Path> hardwareProfiles = new ArrayList<>();

    @Option(names = "--api-url", paramLabel = "URL",
            description = "llmcompass: the server's base URL (default: http://127.0.0.1:8000).")
    String apiUrl;

    @Option(names = "--system-key", paramLabel = "KEY",
            description = "llmcompass: the simulated system (default: A100_4_fp16).")
    String systemKey;

    @Option(names = "--artifact-dir", paramLabel = "DIR",
            description = "llmcompass: where to keep one JSON per request and the summaries "
                    + "(default: <output-dir>/llmcompass); a rerun reuses finished results.")
    Path artifactDirectory;

    @Option(names = "--health-timeout", paramLabel = "DURATION",
            description = "llmcompass: how long to wait for the server's /health (default: 30s).")
    String healthTimeout;

    @Option(names = "--task-timeout", paramLabel = "DURATION",
            description = "llmcompass: the longest one task may take (default: 15m).")
    String taskTimeout;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "llmcompass: the longest the whole simulation may take (default: no limit; e.g. 2h).")
    String timeout;

    @Option(names = "--max-in-flight", paramLabel = "N",
            description = "llmcompass: tasks submitted but not finished at any time (default: 1, at most 64).")
    Integer maxInFlight;

    @Override
    public Integer call() {
        List<Path> traces = pipeline.traces();
        boolean json = pipeline.json();
        Options.Builder options = root.options();
        pipeline.addTo(options, traces);
        options.add("backend", backend)
                .addIfPresent("gpu", gpu)
                .addIfPresent("api-url", apiUrl)
                .addIfPresent("system-key", systemKey)
                .addIfPresent("artifact-dir", artifactDirectory)
                .addIfPresent("health-timeout", healthTimeout)
                .addIfPresent("task-timeout", taskTimeout)
                .addIfPresent("timeout", timeout)
                .addIfPresent("max-in-flight", maxInFlight);
        hardwareProfiles.forEach(p -> options.add("hardware", p.toString()));
        try (ExtensionRegistry registry = root.discover()) {
            TraceRun.Outcome outcome = new TraceRun(registry, options.build(), root.reporter()).run("simulate",
                    traces, pipeline.spec(Optional.of(backend), Optional.ofNullable(gpu), traces.get(0)),
                    pipeline.jobs(), pipeline.outputDirectory);
            RunOutputs.print(root.out, outcome, "simulate", json);
        }
        return 0;
    }
}
