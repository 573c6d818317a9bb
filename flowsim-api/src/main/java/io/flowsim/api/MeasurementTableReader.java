package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import io.flowsim.api.model.MeasuredTable;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads measured kernel-latency tables (for example microbenchmark sweeps of GEMMs, attention or
 * collectives) into the kernels each row timed, so that {@code flowsim validate}, {@code calibrate}
 * and {@code bench} can score or fit any backend against them. Each row becomes a
 * {@link io.flowsim.api.model.Measurement}: the kernels it contains, described by the operand
 * conventions (docs/operand-conventions.md), and the measured time.
 *
 * <p>The runtime asks readers in discovery order; the first whose {@link #canRead} accepts a file
 * reads it. Stateless: one call reads one table.
 *
 * <p>Experimental: one implementation so far (the measured-tables plugin); the table model may change
 * as more table formats arrive.
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public interface MeasurementTableReader extends FlowsimExtension {

    /**
     * Whether {@code file} may be one of this reader's tables, judged cheaply (by its name). When
     * the runtime searches a directory, it reads the files some reader accepts.
     */
    boolean canRead(Path file);

    /**
     * Reads a table.
     *
     * @param gpu the GPU the table was measured on, when the user names it ({@code --gpu}); empty means
     *            the table tells (a device column, its path). Kernels whose layout depends on the GPU
     *            are built for this GPU.
     * @throws FlowsimException {@link ErrorCode#BAD_INPUT} naming the file (and line) for a missing,
     *                          unreadable or unknown table; {@link ErrorCode#USAGE} when the GPU cannot be
     *                          told and none is given
     */
    MeasuredTable read(Path file, Optional<String> gpu, RunContext context);
}
