package io.flowsim.plugin.report;

import io.flowsim.api.AtomicOutput;
import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.RunSummary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes {@code <trace>.timeline.json.gz}: a Chrome-trace JSON (ui.perfetto.dev, chrome://tracing)
 * with the measured GPU activities of every stream and, after a simulation, a {@code predicted}
 * track beside each stream, laid out from the predicted durations in the measured order with the
 * measured gaps kept. The file is a valid PyTorch-profiler trace: {@code flowsim parse} and
 * {@code flowsim merge} read it. Switched off with {@code --no-report}.
 */
public final class TimelineExporter implements Exporter {

    /** The suffix of the file written: {@code <trace name>.timeline.json.gz}. */
    public static final String SUFFIX = ".timeline.json.gz";

    @Override
    public String name() {
        return "timeline";
    }

    @Override
    public String description() {
        return "A Perfetto/Chrome-trace timeline of measured and predicted kernels per stream (<trace>.timeline.json.gz)";
    }

    @Override
    public ExportSession open(ExportContext context) {
        boolean enabled = ReportSettings.enabled(context);
        Path target = context.outputDirectory().resolve(context.traceName() + SUFFIX);
        // reserved now, before any work, so that a target the run reads is refused up front
        AtomicOutput reserved = enabled ? AtomicOutput.create(target) : null;
        return new ExportSession() {
            private final TimelineWriter timeline = new TimelineWriter(context.metadata(), context.simulated());
            private final AtomicOutput output = reserved;

            @Override
            public void accept(KernelResult kernel) {
                if (enabled) {
                    timeline.add(kernel);
                }
            }

            @Override
            public List<Path> finish(RunSummary summary) {
                if (!enabled) {
                    return List.of();
                }
                try {
                    timeline.write(output.temporary(), summary.simulation().filter(s -> s.target().isWhatIf())
                            .map(s -> s.target().name()));
                } catch (IOException e) {
                    throw output.writeFailed(e);
                }
                output.commit();
                return List.of(target);
            }

            @Override
            public void close() {
                if (output != null) {
                    output.close();
                }
            }
        };
    }
}
