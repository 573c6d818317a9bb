package io.flowsim.runtime.pipeline;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunContext;
import io.flowsim.api.SimulationSession;
import io.flowsim.api.SimulatorBackend;
import io.flowsim.api.model.HardwareTarget;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.SimulationRequest;
import io.flowsim.runtime.discovery.Discovered;

import java.util.List;
import java.util.function.Supplier;

/**
 * The one-line error of an extension that threw an unchecked exception where it should have answered
 * (a resolver on one kernel, a backend on a batch or when opening a session): it names the extension, where it came from and what it
 * was given, so the user knows whom to blame and what to leave out, without a stack trace
 * ({@code --verbose} prints the cause's).
 */
public final class PluginFailure {

    /** The most requests simulated one at a time to find the one a backend throws on. */
    static final int FAILURE_PROBES = 1_000;

    private PluginFailure() {
    }

    /**
     * Opens a session of {@code backend}. An unchecked exception or linkage error of its {@code open} (a
     * plugin bug, a class its jar lacks), or a null session, is one line naming the backend and its plugin;
     * a {@link FlowsimException} it throws (a bad hardware file, an unreachable service) passes as it is.
     * So is one that the session's {@code close} or {@code checkTarget} throws: the session returned
     * forwards every call and names the backend when those fail.
     */
    public static SimulationSession open(Discovered<SimulatorBackend> backend, RunContext context) {
        SimulationSession session = guard(backend, "failed to open a session", () -> backend.extension().open(context));
        if (session == null) {
            throw of(backend, "returned no session from open()", null);
        }
        return new GuardedSimulationSession(backend, session);
    }

    /**
     * Runs {@code call} on {@code extension}'s behalf: a {@link FlowsimException} it throws (an output that cannot
     * be written, an unreachable service) passes as it is; any other unchecked exception or linkage error (a
     * plugin bug, a class its jar lacks) becomes {@link #of one line} naming the extension and {@code what} failed.
     */
    static <T> T guard(Discovered<?> extension, String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (FlowsimException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw of(extension, what, e);
        }
    }

    /** {@link #guard(Discovered, String, Supplier)} for a call that returns nothing. */
    static void guard(Discovered<?> extension, String what, Runnable call) {
        guard(extension, what, () -> {
            call.run();
            return null;
        });
    }

    /**
     * The index of the first request of {@code batch} (of its first {@value #FAILURE_PROBES}) on which
     * {@code session} throws again when given it alone, or -1: a backend answers a whole batch, so the
     * exception it threw on the batch does not say which request it choked on.
     */
    public static int culprit(SimulationSession session, List<SimulationRequest> batch, HardwareTarget target) {
        if (batch.size() == 1) {
            return 0;
        }
        for (int r = 0; r < Math.min(batch.size(), FAILURE_PROBES); r++) {
            try {
                session.simulate(List.of(batch.get(r)), target);
            } catch (RuntimeException | LinkageError again) {
                return r;
            }
        }
        return -1;
    }

    /**
     * An internal error naming {@code extension} (its point, name and origin), {@code what} it did and the
     * exception it threw, if any.
     */
    public static FlowsimException of(Discovered<?> extension, String what, Throwable cause) {
        return of(describe(extension), what, cause);
    }

    /** An extension as the messages name it: its point, name and origin. */
    public static String describe(Discovered<?> extension) {
        return extension.point().label() + " '" + extension.name() + "' (" + extension.origin().describe() + ")";
    }

    /** An internal error naming {@code extension} as given ({@code simulator backend 'x'}), what it did and why. */
    public static FlowsimException of(String extension, String what, Throwable cause) {
        String thrown = cause == null ? "" : ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                // a class or method the plugin was compiled against and this FlowSim lacks
                + (cause instanceof LinkageError ? " (the plugin was built against another flowsim-api or library"
                + " than this FlowSim has, or its jar lacks a class)" : "");
        return new FlowsimException(ErrorCode.INTERNAL, extension + " " + what + thrown
                + "; the run stopped without writing its outputs: leave the extension out, or report it to its"
                + " authors (--verbose prints the stack trace)", cause);
    }

    /** A kernel as the messages name it: its name, its index in the trace and its correlation id when recorded. */
    public static String kernel(KernelRecord kernel) {
        return "'" + kernel.name() + "' (#" + kernel.index()
                + (kernel.correlationId().isPresent() ? ", correlation " + kernel.correlationId().getAsLong() : "")
                + ")";
    }
}
