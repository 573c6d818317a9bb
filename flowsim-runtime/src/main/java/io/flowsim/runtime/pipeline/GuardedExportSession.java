package io.flowsim.runtime.pipeline;

import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.RunSummary;
import io.flowsim.runtime.discovery.Discovered;

import java.nio.file.Path;
import java.util.List;

/**
 * An exporter's session as the pipeline holds it: an unchecked exception or linkage error of the
 * exporter's {@code open}, {@link #accept}, {@link #finish} or {@link #close} is one line naming the
 * exporter, its plugin and what it was doing ({@link PluginFailure}), not an anonymous internal error;
 * a {@link FlowsimException} it throws (an output that cannot be written) passes as it is.
 */
final class GuardedExportSession implements ExportSession {

    private final Discovered<Exporter> exporter;
    private final ExportSession session;
    private final String trace;

    private GuardedExportSession(Discovered<Exporter> exporter, ExportSession session, String trace) {
        this.exporter = exporter;
        this.session = session;
        this.trace = trace;
    }

    /** Opens a session of {@code exporter} for one trace. */
    static GuardedExportSession open(Discovered<Exporter> exporter, ExportContext context) {
        ExportSession session = PluginFailure.guard(exporter,
                "failed to open its export session for trace " + context.traceName(), () -> exporter.extension().open(context));
        if (session == null) {
            throw PluginFailure.of(exporter, "returned no export session from open()", null);
        }
        return new GuardedExportSession(exporter, session, context.traceName());
    }

    @Override
    public void accept(KernelResult kernel) {
        // once per kernel: not through PluginFailure.guard, so that the message is built only on a failure
        try {
            session.accept(kernel);
        } catch (FlowsimException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw PluginFailure.of(exporter, "failed on kernel " + PluginFailure.kernel(kernel.kernel().kernel()), e);
        }
    }

    @Override
    public List<Path> finish(RunSummary summary) {
        return PluginFailure.guard(exporter, "failed to finish its outputs of trace " + trace,
                () -> session.finish(summary));
    }

    @Override
    public void close() {
        PluginFailure.guard(exporter, "failed to close its export session of trace " + trace, session::close);
    }
}
