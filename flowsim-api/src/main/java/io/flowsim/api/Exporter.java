package io.flowsim.api;

import io.flowsim.api.annotation.Stability;
import io.flowsim.api.model.RunResults;

import java.nio.file.Path;
import java.util.List;

/**
 * Writes a run's results (CSV, JSON, a database, ...). Every discovered exporter runs unless the
 * user names a subset with {@code --exporter}.
 *
 * @since 0.1
 */
@Stability(Stability.Level.STABLE)
public interface Exporter extends FlowsimExtension {

    /**
     * Starts writing one trace's results.
     *
     * @throws FlowsimException {@link ErrorCode#BAD_INPUT} when the output cannot be written
     */
    ExportSession open(ExportContext context);

    /**
     * Writes outputs about the whole run, once per {@code parse} or {@code simulate}, after every
     * trace's {@link ExportSession} finished: the run-level view of several traces (ranks, their
     * collectives, the merged stages and efficiency). Called also for a run of one trace, with
     * {@link RunExportContext#tracesInFolders()} false. Write atomically (see {@link AtomicOutput});
     * if this throws, the run fails and leaves no output that looks complete. Called from one thread.
     * The default writes nothing.
     *
     * @return the files written
     * @throws FlowsimException {@link ErrorCode#BAD_INPUT} when the output cannot be written
     * @since 0.1
     */
    default List<Path> exportRun(RunExportContext context, RunResults run) {
        return List.of();
    }
}
