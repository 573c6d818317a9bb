package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Supplies traces: reads trace files into {@link Trace}s, and optionally produces trace files by
 * profiling a workload, or merges per-rank trace files. Each capability is a default method that
 * says it is unsupported; implement the ones the source has and report them through the
 * {@code can...} methods.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface TraceSource extends FlowsimExtension {

    /**
     * Whether this source can read {@code file}, judged cheaply (by name, or by its first bytes).
     * The runtime opens a file with the first source that answers true, unless the user names one.
     * {@code file} may name no file: the Spark job asks about a file of another file system (HDFS, S3) by
     * its name in an empty local folder, and reads its bytes itself for {@link #whyNotATrace}; a source that
     * reads the first bytes answers false (or throws, taken as false) when there are none to read.
     */
    default boolean canOpen(Path file) {
        return false;
    }

    /**
     * Why a file this source {@linkplain #canOpen can open} by its name is nevertheless not one of its
     * traces (a JSON configuration file beside JSON traces, say), judged from the start of its content;
     * empty when it is one, or when that cannot be told without reading it all: a damaged, truncated or
     * unreadable file is left to {@link #open}, whose message names the file and the place.
     *
     * <p>The runtime asks when it lists a folder of traces ({@code --trace-dir}, and the Spark job's
     * folders on any Hadoop file system): a file that the sources accepting it by {@link #canOpen} all
     * reject is listed as skipped with the first one's reason, and not read. The reason is one line of a
     * few words that says what the file is instead, e.g. {@code not a profiler trace (a JSON document with
     * no "traceEvents"; top-level keys: model, gpu)}. Called from any thread; never throws.
     *
     * <p>Experimental: one implementation so far (the pytorch-trace plugin).
     *
     * @param fileName the file's name, without its folder
     * @param content  the file's bytes from its first, as stored (a compressed file is not decompressed);
     *                 the caller closes it
     * @return the default: empty (every file {@link #canOpen} accepts is a trace)
     * @since 0.13
     */
    @Stability(Stability.Level.EXPERIMENTAL)
    default Optional<String> whyNotATrace(String fileName, InputStream content) {
        return Optional.empty();
    }

    /**
     * Opens a trace file.
     *
     * @throws FlowsimException {@link ErrorCode#BAD_INPUT} naming the file (and byte offset or line
     *                          where known) when the file is missing, unreadable or malformed
     */
    default Trace open(Path file, RunContext context) {
        throw FlowsimException.unsupported(this, "reading trace files");
    }

    /** Whether this source can produce traces by profiling a workload. */
    default boolean canCapture() {
        return false;
    }

    /**
     * Runs a workload with a profiler and returns the trace files this run created (never files
     * that existed before). Options come from {@link RunContext#options()}.
     *
     * @throws FlowsimException {@link ErrorCode#UNAVAILABLE} when a program it needs is missing or
     *                          dies, {@link ErrorCode#TIMEOUT} when it does not finish in time
     */
    default List<CapturedTrace> capture(RunContext context) {
        throw FlowsimException.unsupported(this, "capturing traces");
    }

    /** Whether this source can merge per-rank trace files. */
    default boolean canMerge() {
        return false;
    }

    /**
     * Merges per-rank traces into one trace file viewable in Perfetto.
     *
     * @param inputs the per-rank trace files, in any order
     * @param output the file to write; written atomically
     */
    default MergeResult merge(List<Path> inputs, Path output, RunContext context) {
        throw FlowsimException.unsupported(this, "merging traces");
    }
}
