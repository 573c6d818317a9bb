package io.flowsim.runtime.reliability;

import io.flowsim.runtime.CliRun;
import io.flowsim.runtime.e2e.BundledPluginRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared pieces of the fault suite: the repository's demo traces, bundled plugin zips, assertions. */
final class Reliability {

    /** Every bundled plugin built as a zip by the reactor before this module. */
    static final List<String> PLUGINS = List.of("pytorch-trace", "kernels-json", "csv-export", "analytical", "report");

    private Reliability() {
    }

    /** The repository root. */
    static Path repoDir() {
        return BundledPluginRun.repoDir();
    }

    /** The smaller of the project's own demo traces (committed to the repository). */
    static Path llamaDemoTrace() {
        Path p = repoDir().resolve("demo/traces/h200_llama3-8b-4layer_prefill4x1024_decode8.trace.json.gz");
        assumeTrue(Files.isRegularFile(p), "demo trace not found: " + p);
        return p;
    }

    /** The larger of the project's own demo traces. */
    static Path qwenDemoTrace() {
        Path p = repoDir().resolve("demo/traces/h200_qwen3-30b-a3b-4layer_prefill4x1024_decode8.trace.json.gz");
        assumeTrue(Files.isRegularFile(p), "demo trace not found: " + p);
        return p;
    }

    /** The shared data directory, if present. */
    static Optional<Path> sharedDir() {
        return BundledPluginRun.sharedDirIfPresent();
    }

    /** Copies the bundled plugin zips into {@code dir/plugins}; skips the test when one is not built. */
    static Path pluginDirectory(Path dir) throws IOException {
        return BundledPluginRun.pluginDirectory(dir, PLUGINS);
    }

    /** Runs {@code flowsim --quiet --plugins-dir PLUGINS args...} in process. */
    static CliRun run(Path plugins, String... args) {
        return BundledPluginRun.run(plugins, args);
    }

    /** A failure's standard error: one line starting {@code flowsim: }, no stack trace. */
    static void assertOneLine(CliRun r) {
        assertOneLine(r.err());
    }

    static void assertOneLine(String err) {
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("standard error: %s", err).hasSize(1);
        assertThat(lines.get(0)).startsWith("flowsim: ").doesNotContain("\tat ");
        assertNoStackTrace(err);
    }

    static void assertNoStackTrace(String text) {
        assertThat(text).as("no stack trace").doesNotContainPattern("(?m)^\\s+at [\\w.$]+\\(")
                .doesNotContain("Exception in thread");
    }

    /** Every name in {@code dir}, hidden files included, sorted. */
    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
