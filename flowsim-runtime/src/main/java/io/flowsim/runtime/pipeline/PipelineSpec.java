package io.flowsim.runtime.pipeline;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one pipeline run does.
 *
 * @param traceFile       the trace to read
 * @param outputDirectory where exporters write (created if missing)
 * @param source          the trace source to use; empty picks the first that can open the file
 * @param resolvers       resolver names in chain order; empty uses every resolver by priority
 * @param exporters       exporter names; empty uses every exporter
 * @param backend         the simulator backend; empty parses without simulating
 * @param gpu             the GPU to simulate; empty uses the trace's GPU
 * @param groupByAnnotation whether summaries are split by the user's annotation ranges
 * @param peaksBackend    the backend whose session gives the GPU peaks that efficiency is measured
 *                        against: the recorded GPU's, and the simulated GPU's when the simulating backend
 *                        knows none; empty gives achieved rates only (unless the simulating backend knows
 *                        the peaks)
 */
public record PipelineSpec(Path traceFile, Path outputDirectory, Optional<String> source, List<String> resolvers,
                           List<String> exporters, Optional<String> backend, Optional<String> gpu,
                           boolean groupByAnnotation, Optional<String> peaksBackend) {
    public PipelineSpec {
        Objects.requireNonNull(traceFile, "traceFile");
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        Objects.requireNonNull(source, "source");
        resolvers = List.copyOf(Objects.requireNonNull(resolvers, "resolvers"));
        exporters = List.copyOf(Objects.requireNonNull(exporters, "exporters"));
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(gpu, "gpu");
        Objects.requireNonNull(peaksBackend, "peaksBackend");
    }

    /** A spec that does not group by annotation and asks no other backend for GPU peaks. */
    public PipelineSpec(Path traceFile, Path outputDirectory, Optional<String> source, List<String> resolvers,
                        List<String> exporters, Optional<String> backend, Optional<String> gpu) {
        this(traceFile, outputDirectory, source, resolvers, exporters, backend, gpu, false, Optional.empty());
    }

    /** The same spec for another trace and output directory. */
    public PipelineSpec forTrace(Path trace, Path output) {
        return new PipelineSpec(trace, output, source, resolvers, exporters, backend, gpu, groupByAnnotation,
                peaksBackend);
    }
}
