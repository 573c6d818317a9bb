package io.flowsim.plugin.sglang;

import io.flowsim.api.CapturedTrace;
import io.flowsim.api.ExtensionOption;
import io.flowsim.api.RunContext;
import io.flowsim.api.TraceSource;

import java.util.List;

/**
 * Produces traces by running an sglang server with the PyTorch profiler and driving it with
 * sglang's {@code bench_serving --profile}; the traces are then read by a trace-file source such as
 * {@code pytorch-trace}.
 *
 * <p>Options (declared in {@link ProfileSettings#OPTIONS}, on {@code flowsim profile} as
 * {@code --sglang-profiler.<name>} and the short aliases): {@code profile-dir}, {@code log-dir},
 * {@code server-opts}, {@code bench-opts} (required); {@code python} (default {@code python3}),
 * {@code server-timeout} (10m), {@code bench-timeout} (20m), {@code keep-server} (false),
 * {@code trace-timeout} (5m: how long to wait for the traces after the benchmark) and
 * {@code stop-grace} (15s: SIGTERM to SIGKILL). See docs/profiling.md.
 *
 * <p>Stateless: each {@link #capture} call is an independent run, and never leaves a process it
 * started behind (see {@link ProfileRun}).
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
    public List<ExtensionOption<?>> declaredOptions() {
        return ProfileSettings.OPTIONS;
    }

    @Override
    public boolean canCapture() {
        return true;
    }

    @Override
    public List<CapturedTrace> capture(RunContext context) {
        ProfileSettings settings = ProfileSettings.from(context.options());
        return new ProfileRun(settings, context.reporter()).run();
    }
}
