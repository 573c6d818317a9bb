package io.flowsim.api;

import io.flowsim.api.annotation.Stability;

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
}
