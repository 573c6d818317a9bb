package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import io.flowsim.api.model.TraceMetadata;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What an exporter needs to start writing one trace's results.
 *
 * @param metadata        the trace's metadata
 * @param traceName       the base name for output files ({@code <traceName>.csv})
 * @param outputDirectory the directory to write into (exists)
 * @param simulated       whether results carry simulations
 * @param run             the run's context (options, reporter)
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public record ExportContext(TraceMetadata metadata, String traceName, Path outputDirectory, boolean simulated,
                            RunContext run) {
    public ExportContext {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(traceName, "traceName");
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        Objects.requireNonNull(run, "run");
    }
}
