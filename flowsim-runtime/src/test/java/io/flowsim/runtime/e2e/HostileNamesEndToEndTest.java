package io.flowsim.runtime.e2e;

import io.flowsim.runtime.CliRun;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A trace file whose name holds a newline and a terminal escape (both legal in a Linux file name), named to
 * forge a line of the summary: every name simulate and parse print comes out escaped, so no line breaks and no
 * escape sequence reaches the terminal. The trace is the hand-made {@code handmade/overflowing-shapes} one,
 * copied under that name; the real bundled plugins (skipped when their zips are not built).
 */
class HostileNamesEndToEndTest {

    /** Forges a second "Trace" line, then switches the terminal to red. */
    private static final String HOSTILE = "bad\nTrace     evil\u001b[31m";

    @TempDir
    Path dir;

    @Test
    void namesWithControlCharactersArePrintedEscapedOnTheirOwnLine() throws IOException {
        Path plugins = AnalyticalBackendEndToEndTest.plugins(dir);
        Path trace;
        try {
            trace = Files.copy(BundledPluginRun.repoDir()
                    .resolve("flowsim-runtime/src/test/resources/handmade/overflowing-shapes")
                    .resolve("handmade-overflowing-shapes.trace.json"), dir.resolve(HOSTILE + ".trace.json"));
        } catch (InvalidPathException | IOException e) {
            Assumptions.abort("this file system refuses a newline in a file name: " + e);
            return;
        }
        String escaped = "bad\\nTrace     evil\\u001b[31m";
        for (String command : List.of("simulate", "parse")) {
            CliRun r = CliRun.of("--plugins-dir", plugins.toString(), command, "--trace-file", trace.toString(),
                    "--output-dir", dir.resolve(command).toString(), "--no-report");
            assertThat(r.exitCode()).as(command + ": " + r.err()).isZero();
            for (String stream : List.of(r.out(), r.err())) {
                assertThat(stream.chars().filter(c -> c != '\n' && (Character.isISOControl(c) || c == '\u2028')))
                        .as(command).isEmpty();
            }
            List<String> lines = r.out().lines().toList();
            assertThat(lines).as(command).filteredOn(l -> l.startsWith("Trace ")).singleElement().asString()
                    .startsWith("Trace     " + escaped + ".trace (");
            // the list of files written: "Wrote" and one file a line, each under the one before
            String csv = dir.resolve(command).resolve(escaped + ".trace.csv").toString();
            assertThat(lines).as(command).filteredOn(l -> l.contains(".trace.csv")).singleElement().asString()
                    .isIn("Wrote     " + csv, "          " + csv);
        }
    }
}
