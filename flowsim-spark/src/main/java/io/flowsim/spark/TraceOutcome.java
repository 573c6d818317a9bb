package io.flowsim.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What one task made of one trace: its summary row, its kernel rows (the CSV exporter's cells, in
 * trace order) and its distinct simulation requests. A failed trace has a reason and no kernels.
 *
 * @param input                 the trace file
 * @param failureReason         empty when the trace was parsed; else one line saying why not
 * @param traceName             the trace's name (the file name without its extensions)
 * @param rank                  the trace's rank: as the trace says, else {@link TraceInput#rankByName()}
 * @param gpu                   the GPU the trace was recorded on; empty when it does not say
 * @param header                the CSV exporter's column names
 * @param kernels               one row per GPU kernel, in trace order
 * @param requests              the trace's distinct simulation requests
 * @param kernelTimeNs          the sum of kernel durations
 * @param busyTimeNs            the union of kernel intervals per device
 * @param wallTimeNs            first kernel start to last kernel end
 * @param resolvedFraction      the share of kernel time resolved from a kernel database
 * @param unresolvedKernels     kernels no resolver knew
 * @param memoryOperations      memcpy and memset operations (not in the kernels table)
 * @param parseMillis           the task's time for reading, resolving and exporting the trace
 */
record TraceOutcome(TraceInput input, String failureReason, String traceName, int rank, String gpu,
                    List<String> header, List<KernelRow> kernels, List<RequestRow> requests, long kernelTimeNs,
                    long busyTimeNs, long wallTimeNs, double resolvedFraction, long unresolvedKernels,
                    long memoryOperations, long parseMillis) implements Serializable {

    private static final long serialVersionUID = 1L;

    TraceOutcome {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(failureReason, "failureReason");
        header = List.copyOf(header);
        kernels = List.copyOf(kernels);
        requests = List.copyOf(requests);
    }

    /** A trace that could not be read, with the reason. */
    static TraceOutcome failed(TraceInput input, String reason, long parseMillis) {
        return new TraceOutcome(input, reason.isBlank() ? "failed without a message" : reason,
                TraceTask.nameOf(input.fileName()), input.rankByName(), "", List.of(), List.of(), List.of(), 0, 0, 0,
                0, 0, 0, parseMillis);
    }

    boolean ok() {
        return failureReason.isEmpty();
    }

    /**
     * One GPU kernel.
     *
     * @param index        the kernel's index in the trace
     * @param durationNs   the measured duration
     * @param requestKey   the key of its simulation request; empty when it cannot be simulated
     * @param note         why it cannot be simulated, when so
     * @param cells        the CSV exporter's cells, in header order
     */
    record KernelRow(long index, long durationNs, String requestKey, String note, List<String> cells)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        KernelRow {
            cells = List.copyOf(cells);
        }
    }

    /**
     * One distinct simulation request.
     *
     * @param key          {@link RequestCodec#key}
     * @param targetJson   the hardware target
     * @param requestJson  the request
     */
    record RequestRow(String key, String targetJson, String requestJson) implements Serializable {
        private static final long serialVersionUID = 1L;
    }
}
