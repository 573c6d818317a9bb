package io.flowsim.runtime.cli;

import io.flowsim.api.Options;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.TraceRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code flowsim parse}: trace &rarr; resolved kernels &rarr; exporters, without simulation. */
@Command(name = "parse", mixinStandardHelpOptions = true,
        header = "Parse a trace: link, resolve and export every GPU kernel.",
        description = "Parse a trace: link every GPU kernel to the operator and tensors that launched it,"
            + " resolve it against the kernel databases, and write the per-kernel CSV and the summary.")
final class ParseCommand implements Callable<Integer>, DeclaredOptions.UsesExtensions {

    @Override
    public java.util.Set<ExtensionPoint> extensionPoints() {
        return java.util.EnumSet.of(ExtensionPoint.TRACE_SOURCE, ExtensionPoint.KERNEL_RESOLVER, ExtensionPoint.EXPORTER);
    }

    @ParentCommand
    FlowsimCommand root;

    @Mixin
    PipelineOptions pipeline;

    @Override
    public Integer call() {
        boolean json = pipeline.json();
        Options.Builder options = root.options();
        try (ExtensionRegistry registry = root.discover()) {
            List<Path> traces = pipeline.traces(registry, root.reporter());
            pipeline.addTo(options, traces);
            TraceRun.Outcome outcome = new TraceRun(registry, options.build(), root.reporter()).run("parse", traces,
                    pipeline.spec(Optional.empty(), Optional.empty(), traces.get(0)), pipeline.jobs(),
                    pipeline.outputDirectory);
            RunOutputs.print(root.out, outcome, "parse", json);
        }
        return 0;
    }
}
