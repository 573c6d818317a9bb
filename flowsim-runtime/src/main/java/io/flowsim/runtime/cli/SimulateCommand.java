package io.flowsim.runtime.cli;

import io.flowsim.api.Options;
import io.flowsim.api.RunContext;
import io.flowsim.api.model.SimulationSummary;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.PipelineResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code flowsim simulate}: parse, then predict every kernel's duration with a backend and compare. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        header = "Parse a trace and predict every kernel's duration; print the accuracy.",
        description = {"Parse a trace and predict every kernel's duration with a simulator backend;",
            "write predictions beside the measured durations and print the accuracy per family."})
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
        Options.Builder options = root.options();
        pipeline.addTo(options);
        options.add("backend", backend)
                .addIfPresent("gpu", gpu);
        try (ExtensionRegistry registry = root.discover()) {
            RunContext context = RunContext.of(options.build(), root.reporter(), pipeline.outputDirectory);
            PipelineResult result = new Pipeline(registry, context).run(pipeline.spec(Optional.of(backend),
                    Optional.ofNullable(gpu)));
            SummaryPrinter.print(root.out, result);
            return result.summary().simulation().map(this::runStatus).orElse(0);
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
     * kernel's status, so a failed run can be inspected.
     */
    private int runStatus(SimulationSummary s) {
        if (s.failed() == 0) {
            return 0;
        }
        long total = s.ok() + s.unsupported() + s.failed();
        String counts = s.failed() + " failed, " + s.unsupported() + " unsupported; the outputs give each kernel's"
                + " status and reason";
        if (s.ok() == 0) {
            root.err.println("flowsim: backend " + s.backend() + " predicted none of the " + total + " kernels ("
                    + counts + ")");
            return EXIT_NOTHING_PREDICTED;
        }
        root.err.println("flowsim: backend " + s.backend() + " predicted " + s.ok() + " of the " + total
                + " kernels (" + counts + ")");
        return EXIT_PARTLY_PREDICTED;
    }
}
