package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

/**
 * A unit of long-running work shown to the user (a progress bar on a terminal, periodic lines
 * otherwise). Obtained from {@link Reporter#startProgress}; close it when the work ends.
 * Implementations are thread-safe.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface Progress extends AutoCloseable {

    /**
     * The unit of kernel counts ({@code "kernels"}), for {@link Reporter#startProgress}; the command
     * line uses the same word for kernel counts in its tables and for its kernel-database command.
     */
    String KERNELS = "kernels";

    /** Adds {@code delta} units of completed work. */
    void advance(long delta);

    /**
     * Sets the completed amount and a short status text shown beside it (for example
     * {@code "done 12, failed 1, pending 30"}); {@code status} may be empty.
     */
    void update(long done, String status);

    /** Ends the progress display. Idempotent. */
    @Override
    void close();

    /** A progress that shows nothing. */
    static Progress none() {
        return NoProgress.INSTANCE;
    }
}

enum NoProgress implements Progress {
    INSTANCE;

    @Override
    public void advance(long delta) {
    }

    @Override
    public void update(long done, String status) {
    }

    @Override
    public void close() {
    }
}
