package io.flowsim.runtime.cli;

import io.flowsim.api.Options;
import io.flowsim.api.RunContext;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.Pipeline;
import io.flowsim.runtime.pipeline.PipelineResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code flowsim parse}: trace &rarr; resolved kernels &rarr; exporters, without simulation. */
@Command(name = "parse", mixinStandardHelpOptions = true,
        header = "Parse a trace: link, resolve and export every GPU kernel.",
        description = {"Parse a trace: link every GPU kernel to the operator and tensors that launched it,",
            "resolve it against the kernel databases, and write the per-kernel CSV and the summary."})
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
        Options.Builder options = root.options();
        pipeline.addTo(options);
        try (ExtensionRegistry registry = root.discover()) {
            RunContext context = RunContext.of(options.build(), root.reporter(), pipeline.outputDirectory);
            PipelineResult result = new Pipeline(registry, context).run(pipeline.spec(Optional.empty(),
                    Optional.empty()));
            SummaryPrinter.print(root.out, result);
        }
        return 0;
    }
}
