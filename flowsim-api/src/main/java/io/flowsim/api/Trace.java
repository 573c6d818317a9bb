package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import io.flowsim.api.model.KernelRecord;
import io.flowsim.api.model.TraceMetadata;

import java.util.Map;
import java.util.stream.Stream;

/**
 * An open trace: metadata plus a lazy stream of kernel records. Obtained from
 * {@link TraceSource#open}; always close it (try-with-resources), which releases files and memory.
 * Not thread-safe.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface Trace extends AutoCloseable {

    /** The trace's metadata. Complete when returned. */
    TraceMetadata metadata();

    /**
     * The GPU activities of the trace (kernels, memcpys, memsets), each with its links to the CPU
     * side, in start-time order. May be called once; the stream is consumed lazily and may throw a
     * {@link FlowsimException} ({@link ErrorCode#BAD_INPUT}) when the input turns out to be broken.
     */
    Stream<KernelRecord> kernels();

    /**
     * Counts the source gathered while reading (events read, kernels linked by each rule, ...),
     * complete once {@link #kernels()} has been consumed. Keys are source-specific and documented by
     * the source.
     */
    default Map<String, Long> statistics() {
        return Map.of();
    }

    /** Releases the trace's resources. Idempotent; never throws a checked exception. */
    @Override
    void close();
}
