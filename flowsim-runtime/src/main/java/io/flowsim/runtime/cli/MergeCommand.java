package io.flowsim.runtime.cli;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.MergeResult;
import io.flowsim.api.RunContext;
import io.flowsim.api.TraceSource;
import io.flowsim.runtime.discovery.Discovered;
import io.flowsim.runtime.discovery.ExtensionPoint;
import io.flowsim.runtime.discovery.ExtensionRegistry;
import io.flowsim.runtime.pipeline.PrintableText;
import io.flowsim.runtime.pipeline.TraceDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code flowsim merge}: per-rank traces into one Perfetto-viewable trace. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        header = "Merge per-rank traces into one Perfetto-viewable trace.",
        description = "Merge the per-rank traces of a directory into one trace viewable in Perfetto"
            + " (ranks in numeric order, no pid or flow collisions, every rank's metadata kept).")
final class MergeCommand implements Callable<Integer>, DeclaredOptions.UsesExtensions {

    @Override
    public java.util.Set<ExtensionPoint> extensionPoints() {
        return java.util.EnumSet.of(ExtensionPoint.TRACE_SOURCE);
    }

    @ParentCommand
    FlowsimCommand root;

    @Option(names = "--trace-dir", required = true, paramLabel = "DIR",
            description = "The directory holding the per-rank *.json / *.json.gz traces (not searched recursively;"
                + " JSON files that are not profiler traces are listed as skipped).")
    Path traceDirectory;

    @Option(names = "--output", required = true, paramLabel = "FILE", converter = NonEmptyOutput.ToPath.class,
            description = "The merged trace; gzip-compressed when the name ends in .gz.")
    Path output;

    @Option(names = "--source", paramLabel = "NAME",
            description = "The trace source that merges (default: the first that can).")
    String source;

    @Override
    public Integer call() {
        // the output is not left out: a rank named as the output is refused (never overwritten), and a
        // trace FlowSim merged earlier is recognised and skipped by the merging source
        try (ExtensionRegistry registry = root.discover()) {
            TraceDirectory.Listing listing = TraceDirectory.list(traceDirectory, registry,
                    Optional.ofNullable(source));
            listing.skipped().forEach(f -> root.reporter().info(f.line()));
            List<Path> inputs = listing.traces();
            TraceSource merging = registry.traceSources().stream()
                    .filter(d -> source == null || d.name().equals(source))
                    .map(Discovered::extension)
                    .filter(TraceSource::canMerge)
                    .findFirst()
                    .orElseThrow(() -> FlowsimException.usage(source == null
                            ? "no installed trace source can merge traces (trace sources: "
                                    + registry.names(io.flowsim.runtime.discovery.ExtensionPoint.TRACE_SOURCE) + ")"
                            : "trace source '" + source + "' is not installed or cannot merge traces"));
            MergeResult result = merging.merge(inputs, output, RunContext.of(root.options().build(), root.reporter(),
                    null));
            root.out.printf("Merged %d traces into %s (%,d events)%n", result.inputs().size(),
                    PrintableText.of(result.output()),
                    result.eventCount());
        }
        return 0;
    }
}
