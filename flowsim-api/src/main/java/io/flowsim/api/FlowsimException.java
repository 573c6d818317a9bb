package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.util.Objects;

/**
 * The one unchecked exception type of FlowSim. Every failure that reaches a user carries an
 * {@link ErrorCode} and a message that says what went wrong, where (file, byte offset, kernel
 * name, plugin id) and, where possible, what to do next. The command line prints the message as a
 * single line and exits with {@link ErrorCode#exitCode()}; it prints no stack trace unless asked to.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public class FlowsimException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /**
     * @param code    the kind of failure, not null
     * @param message a one-line, self-contained description, not null
     * @param cause   the underlying exception, may be null
     */
    public FlowsimException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** Same as {@code new FlowsimException(code, message, null)}. */
    public FlowsimException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** The kind of failure. */
    public ErrorCode code() {
        return code;
    }

    /** A usage error: a wrong option or argument. */
    public static FlowsimException usage(String message) {
        return new FlowsimException(ErrorCode.USAGE, message);
    }

    /** Bad input: malformed, truncated or inconsistent data. */
    public static FlowsimException badInput(String message, Throwable cause) {
        return new FlowsimException(ErrorCode.BAD_INPUT, message, cause);
    }

    /** Bad input without an underlying exception. */
    public static FlowsimException badInput(String message) {
        return badInput(message, null);
    }

    /** An external service or program is unavailable. */
    public static FlowsimException unavailable(String message, Throwable cause) {
        return new FlowsimException(ErrorCode.UNAVAILABLE, message, cause);
    }

    /**
     * An extension was asked for a capability it does not have.
     *
     * @param extension  the extension that lacks the capability
     * @param capability what was asked, e.g. "capturing traces"
     */
    public static FlowsimException unsupported(FlowsimExtension extension, String capability) {
        return new FlowsimException(ErrorCode.UNSUPPORTED,
                "'" + extension.name() + "' does not support " + capability);
    }
}
