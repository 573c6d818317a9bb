package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

/**
 * What kind of failure a {@link FlowsimException} reports, and the process exit code the command
 * line maps it to.
 *
 * <p>The exit codes are part of FlowSim's contract with scripts: {@code 0} success, {@code 1} an
 * internal failure (a bug), {@code 2} a usage error or bad input, {@code 3} an external service or
 * program that is unavailable, {@code 130} interrupted by the user.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public enum ErrorCode {
    /** The command line or an option value is wrong. */
    USAGE(2),
    /** An input file or value is malformed, truncated, missing or inconsistent. */
    BAD_INPUT(2),
    /** The extension was asked for something it cannot do (for example a capability it lacks). */
    UNSUPPORTED(2),
    /** A plugin could not be loaded, or two extensions claim the same name. */
    PLUGIN(2),
    /** An external service or program (a simulator server, a Python interpreter) is unavailable. */
    UNAVAILABLE(3),
    /** An external service or program did not answer in time. */
    TIMEOUT(3),
    /** The user interrupted the run. */
    INTERRUPTED(130),
    /** A bug in FlowSim or in a plugin. */
    INTERNAL(1);

    private final int exitCode;

    ErrorCode(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The process exit code the command line uses for this kind of failure. */
    public int exitCode() {
        return exitCode;
    }
}
