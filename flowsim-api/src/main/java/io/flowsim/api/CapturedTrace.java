package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A trace file a {@link TraceSource} produced by profiling a workload.
 *
 * @param file the trace file
 * @param rank the rank that wrote it, when known
 *
 * <p>Experimental: one implementation so far (the sglang-profiler plugin).
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record CapturedTrace(Path file, OptionalInt rank) {
    public CapturedTrace {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(rank, "rank");
    }
}
