package io.flowsim.plugin.csv;

import io.flowsim.api.AtomicOutput;
import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.RunSummary;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes {@code summary.json}: the run's totals as the runtime computed them ({@link RunSummary}):
 * kernel, busy and wall time, resolved time, totals per family and per op mapping, memory
 * operations, trace statistics, and the simulation outcome with its accuracy. Format:
 * docs/output-formats.md.
 */
public final class SummaryExporter implements Exporter {

    /** The file name written into the output directory. */
    public static final String FILE_NAME = "summary.json";

    @Override
    public String name() {
        return "summary";
    }

    @Override
    public String description() {
        return "Run totals: kernel/busy/wall time, resolution, families, accuracy (summary.json)";
    }

    @Override
    public ExportSession open(ExportContext context) {
        Path target = context.outputDirectory().resolve(FILE_NAME);
        // reserved now, before any work, so that a target the run reads is refused up front
        AtomicOutput reserved = AtomicOutput.create(target);
        return new ExportSession() {
            private final AtomicOutput output = reserved;

            @Override
            public void accept(KernelResult kernel) {
                // everything summary.json says comes from the RunSummary handed to finish
            }

            @Override
            public List<Path> finish(RunSummary summary) {
                try (OutputStream out = Files.newOutputStream(output.temporary())) {
                    SummaryJson.write(out, summary);
                } catch (IOException e) {
                    throw output.writeFailed(e);
                }
                output.commit();
                return List.of(target);
            }

            @Override
            public void close() {
                output.close();
            }
        };
    }
}
