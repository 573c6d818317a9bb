package io.flowsim.plugin.report;

import io.flowsim.api.AtomicOutput;
import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.RunExportContext;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.RunResults;
import io.flowsim.api.model.RunSummary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes {@code report.html}: a self-contained page (inline SVG charts, CSS and script; nothing
 * fetched from the network; opens from {@code file://}) with the run, the totals, the time by
 * family, stage and op, the predicted-against-measured comparison after a simulation, the top
 * kernels and the unknown kernels with a kernels.json snippet. A run of several traces also gets a
 * run-level {@code report.html} in the run's directory (ranks, stages, collectives; each trace's
 * report stays in its folder). Switched off with {@code --no-report}.
 */
public final class HtmlReportExporter implements Exporter {

    /** The file name written into the output directory. */
    public static final String FILE_NAME = "report.html";

    @Override
    public String name() {
        return "html-report";
    }

    @Override
    public String description() {
        return "A self-contained HTML report with charts of the run (report.html)";
    }

    @Override
    public List<Path> exportRun(RunExportContext context, RunResults run) {
        // one trace: its own report.html, in the same directory, already covers the run
        if (!context.tracesInFolders() || !ReportSettings.enabled(context.run())) {
            return List.of();
        }
        Path dir = context.outputDirectory();
        Path target = dir.resolve(FILE_NAME);
        String page = RunHtmlReport.render(run, folder -> Files.isRegularFile(dir.resolve(folder).resolve(FILE_NAME)));
        try (AtomicOutput output = AtomicOutput.create(target)) {
            try {
                Files.write(output.temporary(), page.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw FlowsimException.badInput("cannot write " + target + ": " + e.getMessage(), e);
            }
            output.commit();
        }
        return List.of(target);
    }

    @Override
    public ExportSession open(ExportContext context) {
        boolean enabled = ReportSettings.enabled(context);
        Path target = context.outputDirectory().resolve(FILE_NAME);
        // reserved now, before any work, so that a target the run reads is refused up front
        AtomicOutput reserved = enabled ? AtomicOutput.create(target) : null;
        return new ExportSession() {
            private final KernelStats stats = new KernelStats();
            private final AtomicOutput output = reserved;

            @Override
            public void accept(KernelResult kernel) {
                if (enabled) {
                    stats.add(kernel);
                }
            }

            @Override
            public List<Path> finish(RunSummary summary) {
                if (!enabled) {
                    return List.of();
                }
                String page = HtmlReport.render(summary, stats);
                try {
                    // getBytes, not writeString: an unpaired surrogate becomes '?' instead of failing the run
                    Files.write(output.temporary(), page.getBytes(StandardCharsets.UTF_8));
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
