package io.flowsim.plugin.sglang;

import io.flowsim.api.CapturedTrace;
import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;
import io.flowsim.api.TraceSource;

import java.util.List;

/**
 * Produces traces by running an sglang server with the PyTorch profiler and driving it with
 * sglang's bench_serving; the traces are then read by a trace-file source.
 */
public final class SglangProfilerSource implements TraceSource {

    @Override
    public String name() {
        return "sglang-profiler";
    }

    @Override
    public String description() {
        return "Profiles an sglang server with bench_serving and collects *.trace.json.gz";
    }

    @Override
    public boolean canCapture() {
        return true;
    }

    @Override
    public List<CapturedTrace> capture(RunContext context) {
        throw new FlowsimException(ErrorCode.UNSUPPORTED,
                "profiling with sglang is not implemented yet in this version of FlowSim");
    }
}
