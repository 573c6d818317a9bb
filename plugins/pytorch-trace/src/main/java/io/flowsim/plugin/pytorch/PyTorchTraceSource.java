package io.flowsim.plugin.pytorch;

import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;
import io.flowsim.api.Trace;
import io.flowsim.api.TraceSource;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads PyTorch-profiler (Kineto) Chrome-trace files, {@code .json} or {@code .json.gz}.
 *
 * <p>This first version streams the file and emits every GPU activity with its timing, device,
 * stream and correlation id; linking kernels to their operators comes with the trace-parsing work.
 */
public final class PyTorchTraceSource implements TraceSource {

    @Override
    public String name() {
        return "pytorch-trace";
    }

    @Override
    public String description() {
        return "Reads PyTorch-profiler (Kineto) Chrome traces (.json, .json.gz)";
    }

    @Override
    public boolean canOpen(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".json") || n.endsWith(".json.gz");
    }

    @Override
    public Trace open(Path file, RunContext context) {
        if (!Files.isRegularFile(file)) {
            throw FlowsimException.badInput("trace file not found: " + file);
        }
        return KinetoTraceReader.read(file, context);
    }
}
