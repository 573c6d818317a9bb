package io.flowsim.runtime.measurements;

import io.flowsim.api.model.Measurement;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One measured latency table turned into measurements.
 *
 * @param file         the table
 * @param format       its detected format
 * @param gpu          the GPU it was measured on (from its {@code device} column or its path, or
 *                     {@code --gpu})
 * @param rows         data rows read
 * @param measurements the rows the simulator can be asked about
 * @param skipped      rows left out, counted by reason (never silently dropped)
 */
public record MeasuredTable(Path file, TableFormat format, String gpu, long rows, List<Measurement> measurements,
                            Map<String, Long> skipped) {
    public MeasuredTable {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(gpu, "gpu");
        measurements = List.copyOf(measurements);
        skipped = Map.copyOf(skipped);
    }

    /** Rows left out. */
    public long skippedRows() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
}
