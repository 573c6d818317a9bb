package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

/**
 * Where extensions tell the user what is happening. The command line writes everything here to
 * standard error, so standard output stays clean for pipes; {@code --quiet} silences info and
 * progress, {@code --verbose} shows debug lines. Implementations are thread-safe.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface Reporter {

    /** A one-line message about normal progress. */
    void info(String message);

    /** A one-line warning: something was skipped, approximated or looks wrong, but the run goes on. */
    void warn(String message);

    /** Detail only shown with {@code --verbose}. */
    void debug(String message);

    /**
     * Starts showing progress of a long-running piece of work.
     *
     * @param label what is being done ("parsing trace.json.gz")
     * @param total the amount of work in {@code unit}s, or a value {@code <= 0} if unknown
     * @param unit  the unit of work ("kernels", "bytes", "tasks")
     */
    Progress startProgress(String label, long total, String unit);

    /** A reporter that discards everything. */
    static Reporter silent() {
        return SilentReporter.INSTANCE;
    }
}

enum SilentReporter implements Reporter {
    INSTANCE;

    @Override
    public void info(String message) {
    }

    @Override
    public void warn(String message) {
    }

    @Override
    public void debug(String message) {
    }

    @Override
    public Progress startProgress(String label, long total, String unit) {
        return Progress.none();
    }
}
