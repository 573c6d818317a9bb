package io.flowsim.runtime.cli;

import io.flowsim.api.Options;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.TraceRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code flowsim simulate}: parse, then predict every kernel's duration with a backend and compare. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        header = "Parse a trace and predict every kernel's duration; print the accuracy.",
        description = "Parse a trace and predict every kernel's duration with a simulator backend;"
            + " write predictions beside the measured durations and print the accuracy per family.")
final class SimulateCommand implements Callable<Integer>, DeclaredOptions.UsesExtensions {

    @Override
    public java.util.Set<ExtensionPoint> extensionPoints() {
        return java.util.EnumSet.of(ExtensionPoint.TRACE_SOURCE, ExtensionPoint.KERNEL_RESOLVER, ExtensionPoint.SIMULATOR_BACKEND, ExtensionPoint.EXPORTER);
    }

    /** The backend used when none is named. */
    static final String DEFAULT_BACKEND = "analytical";

    @ParentCommand
    FlowsimCommand root;

    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = DEFAULT_BACKEND,
            description = "The simulator backend (default: ${DEFAULT-VALUE}, embedded and offline; "
                    + "'flowsim plugins' lists the others).")
    String backend;

    @Option(names = "--gpu", paramLabel = "NAME",
            description = "The GPU to simulate (default: the GPU the trace was recorded on), e.g. H100, B200.")
    String gpu;

    @Override
    public Integer call() {
        boolean json = pipeline.json();
        Options.Builder options = root.options();
        CommandOptionKey.BACKEND.set(options, backend);
        CommandOptionKey.GPU.set(options, gpu);
        try (ExtensionRegistry registry = root.discover()) {
            List<Path> traces = pipeline.traces(registry, root.reporter());
            pipeline.addTo(options, traces);
            TraceRun.Outcome outcome = new TraceRun(registry, options.build(), root.reporter()).run("simulate",
                    traces, pipeline.spec(Optional.of(backend), Optional.ofNullable(gpu), traces.get(0)),
                    pipeline.jobs(), pipeline.outputDirectory);
            RunOutputs.print(root.out, outcome, "simulate", json);
            return runStatus(outcome.traces().stream().map(t -> t.result().summary().simulation())
                    .flatMap(Optional::stream).toList());
        }
    }

    /** Exit code when the backend predicted none of the kernels it failed on (nothing predicted). */
    static final int EXIT_NOTHING_PREDICTED = 3;
    /** Exit code when the backend failed on some kernels and predicted others. */
    static final int EXIT_PARTLY_PREDICTED = 4;

    /**
     * The run-level status: 0 when every kernel got a prediction or is one the backend does not model
     * (unsupported is not a failure); 3 when the backend predicted nothing and failed on some; 4 when
     * it predicted some and failed on others. The outputs are complete either way and give each
     * kernel's status, so a failed run can be inspected. A run of several traces counts the kernels
     * of all of them.
     */
    private int runStatus(List<SimulationSummary> traces) {
        long ok = traces.stream().mapToLong(SimulationSummary::ok).sum();
        long unsupported = traces.stream().mapToLong(SimulationSummary::unsupported).sum();
        long failed = traces.stream().mapToLong(SimulationSummary::failed).sum();
        if (failed == 0) {
            return 0;
        }
        long total = ok + unsupported + failed;
        String counts = failed + " failed, " + unsupported + " unsupported; the outputs give each kernel's"
                + " status and reason";
        String of = traces.size() > 1 ? " kernels of " + traces.size() + " traces (" : " kernels (";
        if (ok == 0) {
            root.err.println("flowsim: backend " + backend + " predicted none of the " + total + of + counts + ")");
            return EXIT_NOTHING_PREDICTED;
        }
        root.err.println("flowsim: backend " + backend + " predicted " + ok + " of the " + total + of + counts + ")");
        return EXIT_PARTLY_PREDICTED;
    }
}
