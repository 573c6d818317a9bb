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
 */
public record PipelineResult(RunSummary summary, List<Path> files) {
    public PipelineResult {
        Objects.requireNonNull(summary, "summary");
        files = List.copyOf(Objects.requireNonNull(files, "files"));
    }
}
