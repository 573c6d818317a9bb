package io.flowsim.runtime.pipeline;

import io.flowsim.api.model.RunSummary;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a pipeline run.
 *
 * @param summary the run's totals
 * @param files   the files the exporters wrote
 * @param collectives the trace's collective kernels, in trace order (for cross-rank matching)
 */
public record PipelineResult(RunSummary summary, List<Path> files, List<CollectiveKernel> collectives) {
    public PipelineResult {
        Objects.requireNonNull(summary, "summary");
        files = List.copyOf(Objects.requireNonNull(files, "files"));
        collectives = List.copyOf(Objects.requireNonNull(collectives, "collectives"));
    }

    /** A result without collectives. */
    public PipelineResult(RunSummary summary, List<Path> files) {
        this(summary, files, List.of());
    }
}
