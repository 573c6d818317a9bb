package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of merging per-rank traces into one.
 *
 * @param output     the merged trace file
 * @param inputs     the input files in the order they were merged (rank order)
 * @param eventCount events written
 *
 * <p>Experimental: one implementation so far (pytorch-trace's merge); multi-rank run analysis may
 * change what a merge reports.
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record MergeResult(Path output, List<Path> inputs, long eventCount) {
    public MergeResult {
        Objects.requireNonNull(output, "output");
        inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
    }
}
