package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.RunSummary;

import java.nio.file.Path;
import java.util.List;

/**
 * One exporter writing one trace's results. The runtime calls {@link #accept} for every kernel in
 * trace order, then {@link #finish} once, then {@link #close}. If the run fails, {@code finish} is
 * not called and {@code close} must remove anything partial: outputs appear atomically (write a
 * temporary file, then move it), so an interrupted run never leaves a file that looks complete.
 * Used from one thread.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface ExportSession extends AutoCloseable {

    /** Receives one kernel. */
    void accept(KernelResult kernel);

    /**
     * Completes the outputs.
     *
     * @return the files written
     */
    List<Path> finish(RunSummary summary);

    /** Releases resources; deletes temporary files when {@link #finish} was not called. */
    @Override
    void close();
}
