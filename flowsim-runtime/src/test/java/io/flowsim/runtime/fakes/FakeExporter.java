package io.flowsim.runtime.fakes;

import io.flowsim.api.ExportContext;
import io.flowsim.api.ExportSession;
import io.flowsim.api.Exporter;
import io.flowsim.api.FlowsimException;
import io.flowsim.api.model.KernelResult;
import io.flowsim.api.model.RunSummary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-only exporter writing {@code <trace>.fake.txt}: one line per kernel
 * ({@code name|family|resolution|status|predictedNs}) and a last line with the summary's kernel count.
 * Like a real exporter it writes a temporary file and moves it into place in {@code finish}.
 */
public final class FakeExporter implements Exporter {

    @Override
    public String name() {
        return "fake-exporter";
    }

    @Override
    public String description() {
        return "test-only exporter";
    }

    @Override
    public ExportSession open(ExportContext context) {
        Path target = context.outputDirectory().resolve(context.traceName() + ".fake.txt");
        Path temporary = context.outputDirectory().resolve("." + context.traceName() + ".fake.txt.tmp");
        List<String> lines = new ArrayList<>();
        return new ExportSession() {
            private boolean finished;

            @Override
            public void accept(KernelResult k) {
                lines.add(k.kernel().kernel().name() + "|" + k.kernel().family().id() + "|"
                        + k.kernel().resolution().source() + "|"
                        + k.simulation().map(s -> s.status() + "|" + s.predictedNs().orElse(-1)).orElse("-|-"));
                try {
                    Files.write(temporary, lines);
                } catch (IOException e) {
                    throw FlowsimException.badInput("cannot write " + temporary, e);
                }
            }

            @Override
            public List<Path> finish(RunSummary summary) {
                lines.add("kernels=" + summary.kernelCount());
                try {
                    Files.write(temporary, lines);
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw FlowsimException.badInput("cannot write " + target, e);
                }
                finished = true;
                return List.of(target);
            }

            @Override
            public void close() {
                if (!finished) {
                    try {
                        Files.deleteIfExists(temporary);
                    } catch (IOException ignored) {
                        // test helper: a leftover hidden temp file is visible to the test anyway
                    }
                }
            }
        };
    }
}
