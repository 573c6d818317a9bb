package io.flowsim.plugin.pytorch;

import io.flowsim.api.ExtensionOption;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.MergeResult;
import io.flowsim.api.RunContext;
import io.flowsim.api.Trace;
import io.flowsim.api.TraceSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads PyTorch-profiler (Kineto) Chrome traces of every PyTorch era, {@code .json} or
 * {@code .json.gz}, and links every GPU kernel, memcpy and memset to the runtime call, operator,
 * tensors and call stack that launched it. See docs/trace-parsing.md.
 *
 * Merges per-rank traces into one Perfetto-viewable trace ({@link #merge}).
 *
 * <p>Stateless and thread-safe; each {@link #open} reads its file in one streaming pass.
 */
public final class PyTorchTraceSource implements TraceSource {

    /**
     * The group size of collectives whose trace records no process group (PyTorch before about 2.1
     * writes no {@code record_param_comms} arguments); it replaces the trace's
     * {@code distributedInfo.world_size}, which is the whole job's size, not the group's.
     */
    static final ExtensionOption<Integer> WORLD_SIZE = ExtensionOption.integer("pytorch-trace.world-size",
            "group size of collectives whose trace records no process group (instead of the trace's"
                    + " distributedInfo.world_size)").alias("--world-size").paramLabel("N");

    @Override
    public List<ExtensionOption<?>> declaredOptions() {
        return List.of(WORLD_SIZE);
    }

    @Override
    public String name() {
        return "pytorch-trace";
    }

    @Override
    public String description() {
        return "Reads PyTorch-profiler (Kineto) Chrome traces (.json, .json.gz) and links kernels to operators";
    }

    @Override
    public boolean canOpen(Path file) {
        String n = file.getFileName().toString();
        if (n.endsWith(".json") || n.endsWith(".json.gz")) {
            return true;
        }
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            int b0 = in.read();
            int b1 = in.read();
            return b0 == 0x1f && b1 == 0x8b || b0 == '{';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A complete JSON document that is not an array of events and has no {@code "traceEvents"} is not a
     * trace (see {@link TraceTopLevel}); a damaged one is, so that {@link #open} names what is wrong.
     */
    @Override
    public Optional<String> whyNotATrace(String fileName, InputStream content) {
        return TraceTopLevel.whyNotATrace(content);
    }

    @Override
    public Trace open(Path file, RunContext context) {
        if (!Files.exists(file)) {
            // neither exists nor not: a folder above it cannot be searched, or a loop of links
            throw FlowsimException.badInput(Files.notExists(file) ? "trace file not found: " + file
                    : "cannot read trace file " + file
                            + " (no permission to search a folder above it, or a loop of links)");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw FlowsimException.badInput("trace file is not a readable file: " + file);
        }
        Integer worldSize = context.options().get(WORLD_SIZE);
        if (worldSize != null && worldSize < 1) {
            throw FlowsimException.usage("--world-size must be at least 1 (GPUs in a collective's group), not "
                    + worldSize);
        }
        return KinetoTraceReader.read(file, context, worldSize == null ? 0 : worldSize);
    }

    @Override
    public boolean canMerge() {
        return true;
    }

    @Override
    public MergeResult merge(List<Path> inputs, Path output, RunContext context) {
        for (Path input : inputs) {
            if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
                throw FlowsimException.badInput("trace file not found or not readable: " + input);
            }
        }
        return new TraceMerger(context).merge(inputs, output);
    }
}
