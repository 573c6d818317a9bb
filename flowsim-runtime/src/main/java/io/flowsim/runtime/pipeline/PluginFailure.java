package io.flowsim.runtime.pipeline;

import io.flowsim.api.ErrorCode;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.KernelRecord;
import io.flowsim.runtime.discovery.Discovered;

/**
 * The one-line error of an extension that threw an unchecked exception where it should have answered
 * (a resolver on one kernel, a backend on a batch): it names the extension, where it came from and what it
 * was given, so the user knows whom to blame and what to leave out, without a stack trace
 * ({@code --verbose} prints the cause's).
 */
public final class PluginFailure {

    private PluginFailure() {
    }

    /**
     * An internal error naming {@code extension} (its point, name and origin), {@code what} it did and the
     * exception it threw, if any.
     */
    public static FlowsimException of(Discovered<?> extension, String what, Throwable cause) {
        return of(extension.point().label() + " '" + extension.name() + "' (" + extension.origin().describe() + ")",
                what, cause);
    }

    /** An internal error naming {@code extension} as given ({@code simulator backend 'x'}), what it did and why. */
    public static FlowsimException of(String extension, String what, Throwable cause) {
        String thrown = cause == null ? "" : ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
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
