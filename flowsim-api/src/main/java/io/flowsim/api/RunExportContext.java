package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What an exporter needs to write the outputs of a whole run (every trace of a {@code --trace-dir}
 * or repeated {@code --trace-file} run), after every trace's own outputs are complete.
 *
 * @param outputDirectory the run's directory to write into (exists). With several traces it is a
 *                        staging folder that the runtime moves into place when the run is complete;
 *                        each trace's outputs are in its subfolder {@link io.flowsim.api.model.RunResults.TraceResult#folder()}
 * @param tracesInFolders whether each trace's outputs are in their own subfolder (a run of several
 *                        traces); false for a single trace, whose outputs share {@code outputDirectory}
 *                        with the run's, so an exporter must not write a run file there with the name
 *                        of one of its per-trace files
 * @param simulated       whether the traces were simulated
 * @param run             the run's context (options, reporter)
 *
 * @since 0.1
 */
@Stability(Stability.Level.EXPERIMENTAL)
public record RunExportContext(Path outputDirectory, boolean tracesInFolders, boolean simulated, RunContext run) {
    public RunExportContext {
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        Objects.requireNonNull(run, "run");
    }
}
