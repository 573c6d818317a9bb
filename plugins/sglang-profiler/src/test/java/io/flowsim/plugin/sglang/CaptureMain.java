package io.flowsim.plugin.sglang;

import io.flowsim.api.CapturedTrace;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.Options;
import io.flowsim.api.Progress;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;

/**
 * A tiny command line around {@link SglangProfilerSource#capture}, run by the tests in a separate
 * JVM so that they can send it SIGINT or SIGTERM the way a user's Ctrl-C or a job scheduler does.
 * Arguments are {@code key=value} options; messages go to standard error, traces to standard output.
 */
public final class CaptureMain {

    private CaptureMain() {
    }

    public static void main(String[] args) {
        Options.Builder options = Options.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            options.add(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Reporter reporter = new Reporter() {
            @Override
            public void info(String message) {
                System.err.println(message);
            }

            @Override
            public void warn(String message) {
                System.err.println("warning: " + message);
            }

            @Override
            public void debug(String message) {
            }

            @Override
            public Progress startProgress(String label, long total, String unit) {
                return Progress.none();
            }
        };
        try {
            for (CapturedTrace t : new SglangProfilerSource().capture(RunContext.of(options.build(), reporter, null))) {
                System.out.println(t.file());
            }
            System.exit(0);
        } catch (FlowsimException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(e.code().exitCode());
        }
    }
}
