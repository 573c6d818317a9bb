package io.flowsim.runtime.pipeline;

import io.flowsim.api.RunContext;
import io.flowsim.api.Trace;
import io.flowsim.api.TraceSource;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.Measurement;
import io.flowsim.api.model.ResolvedKernel;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.api.model.TraceMetadata;
import io.flowsim.runtime.discovery.ExtensionRegistry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A trace read and resolved the way {@code flowsim simulate} reads it, kept in memory, for the
 * commands that need every kernel at once ({@code validate}, {@code calibrate}, {@code bench}).
 *
 * @param metadata the trace's metadata
 * @param kernels  every GPU activity, resolved, in trace order
 */
public record TraceKernels(TraceMetadata metadata, List<ResolvedKernel> kernels) {

    public TraceKernels {
        Objects.requireNonNull(metadata, "metadata");
        kernels = List.copyOf(kernels);
    }

    /** Reads and resolves a trace with the registry's sources and resolvers. */
    public static TraceKernels read(ExtensionRegistry registry, RunContext context, Path traceFile,
                                    Optional<String> source, List<String> resolvers) {
        Pipeline.checkTraceFile(traceFile);
        TraceSource traceSource = Pipeline.selectSource(registry, source, traceFile);
        try (Trace trace = traceSource.open(traceFile, context);
             ResolverChain chain = ResolverChain.open(ResolverChain.order(registry.resolvers(), resolvers), context)) {
            return new TraceKernels(trace.metadata(), Pipeline.resolveAll(trace, chain, context));
        }
    }

    /** The GPU to simulate: {@code gpu}, else the device most kernels ran on. */
    public HardwareTarget target(Optional<String> gpu) {
        return Pipeline.target(metadata, kernels, gpu);
    }

    /** The simulation request of every kernel, in trace order, not de-duplicated. */
    public List<SimulationRequest> requests() {
        List<SimulationRequest> list = new ArrayList<>(kernels.size());
        for (ResolvedKernel k : kernels) {
            list.add(SimulationRequest.of(k));
        }
        return list;
    }

    /**
     * Every kernel as a measurement of itself, grouped by family ({@code memcpy}/{@code memset}
     * for memory operations); identical kernels share a key, so they fall on one side of a split.
     */
    public List<Measurement> measurements() {
        List<Measurement> list = new ArrayList<>(kernels.size());
        for (ResolvedKernel k : kernels) {
            SimulationRequest r = SimulationRequest.of(k);
            String group = switch (k.kernel().kind()) {
                case MEMCPY -> "memcpy";
                case MEMSET -> "memset";
                case KERNEL -> k.family().id();
            };
            list.add(new Measurement("trace|" + r, group, List.of(r), 0, k.kernel().durationNs(),
                    metadata.traceName() + "#" + k.kernel().index()));
        }
        return list;
    }
}
