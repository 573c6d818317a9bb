package io.flowsim.runtime.reliability;

import io.flowsim.runtime.CliRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
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
        String prop = System.getProperty("flowsim.repo.dir");
        return prop != null ? Paths.get(prop) : Paths.get("..").toAbsolutePath().normalize();
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
        String prop = System.getProperty("flowsim.shared.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Optional.of(Paths.get(prop));
        }
        String env = System.getenv("FLOWSIM_SHARED_DIR");
        return env != null && Files.isDirectory(Paths.get(env)) ? Optional.of(Paths.get(env)) : Optional.empty();
    }

    /** Copies the bundled plugin zips into {@code dir/plugins}; skips the test when one is not built. */
    static Path pluginDirectory(Path dir) throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        for (String id : PLUGINS) {
            Optional<Path> zip = Optional.empty();
            Path target = repoDir().resolve("plugins").resolve(id).resolve("target");
            if (Files.isDirectory(target)) {
                try (Stream<Path> s = Files.list(target)) {
                    zip = s.filter(p -> p.getFileName().toString().endsWith("-plugin.zip")).findFirst();
                }
            }
            assumeTrue(zip.isPresent(), "plugin zip of " + id + " not built (run mvn package or verify)");
            Files.copy(zip.get(), plugins.resolve(zip.get().getFileName()));
        }
        return plugins;
    }

    /** Runs {@code flowsim --quiet --plugins-dir PLUGINS args...} in process. */
    static CliRun run(Path plugins, String... args) {
        List<String> all = new ArrayList<>(List.of("--quiet", "--plugins-dir", plugins.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
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
