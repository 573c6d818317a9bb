package io.flowsim.api.model;

import io.flowsim.api.annotation.Stability;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One measured latency table read into measurements by a
 * {@link io.flowsim.api.MeasurementTableReader}.
 *
 * @param file         the table
 * @param format       its format, as the reader names it ({@code aiconfigurator gemm})
 * @param gpu          the GPU it was measured on (the {@code --gpu} given, else what the table tells)
 * @param rows         data rows read
 * @param measurements the rows a simulator can be asked about, each with the kernels it timed
 * @param skipped      rows left out, counted by reason (never silently dropped); iterates in the
 *                     reasons' alphabetical order, so what prints them prints the same order every run
 *
 * <p>Experimental: one implementation so far (the measured-tables plugin); the table model may change
 * as more table formats arrive.
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record MeasuredTable(Path file, String format, String gpu, long rows, List<Measurement> measurements,
                            Map<String, Long> skipped) {
    public MeasuredTable {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(gpu, "gpu");
        measurements = List.copyOf(measurements);
        TreeMap<String, Long> byReason = new TreeMap<>();
        skipped.forEach((reason, count) -> byReason.put(Objects.requireNonNull(reason, "reason"),
                Objects.requireNonNull(count, "count")));
        skipped = Collections.unmodifiableMap(byReason);
    }

    /** Rows left out. */
    public long skippedRows() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
}
