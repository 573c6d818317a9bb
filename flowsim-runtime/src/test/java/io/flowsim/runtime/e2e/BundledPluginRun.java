package io.flowsim.runtime.e2e;

import io.flowsim.runtime.CliRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the command line in process with the real bundled plugins, loaded through PF4J from the
 * plugin zips the reactor built before this module ({@code plugins/<id>/target/*-plugin.zip}).
 * Tests using it are skipped when the zips or the shared data are absent (for example under
 * {@code mvn test}, which does not package the plugins).
 */
public final class BundledPluginRun {

    /** The plugins an end-to-end parse needs. */
    static final List<String> PLUGINS = List.of("pytorch-trace", "kernels-json", "csv-export");

    private BundledPluginRun() {
    }

    /** The repository root. */
    public static Path repoDir() {
        String prop = System.getProperty("flowsim.repo.dir");
        return prop != null ? Paths.get(prop) : Paths.get("..").toAbsolutePath().normalize();
    }

    /** Property {@code flowsim.shared.dir}, else environment {@code FLOWSIM_SHARED_DIR}; skips the test otherwise. */
    static Path sharedDir() {
        Optional<Path> shared = sharedDirIfPresent();
        assumeTrue(shared.isPresent(), "shared data not available");
        return shared.get();
    }

    /** Property {@code flowsim.shared.dir} if it exists, else environment {@code FLOWSIM_SHARED_DIR}, else empty. */
    public static Optional<Path> sharedDirIfPresent() {
        String prop = System.getProperty("flowsim.shared.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Optional.of(Paths.get(prop));
        }
        String env = System.getenv("FLOWSIM_SHARED_DIR");
        return env != null && Files.isDirectory(Paths.get(env)) ? Optional.of(Paths.get(env)) : Optional.empty();
    }

    /** Copies the bundled plugin zips into {@code dir}; skips the test when one is not built. */
    static Path pluginDirectory(Path dir) throws IOException {
        return pluginDirectory(dir, PLUGINS);
    }

    /** Copies the zips of the bundled plugins {@code ids} into {@code dir}; skips the test when one is not built. */
    public static Path pluginDirectory(Path dir, List<String> ids) throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        for (String id : ids) {
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

    /** Runs {@code flowsim --plugins-dir PLUGINS args...}. */
    public static CliRun run(Path plugins, String... args) {
        List<String> all = new ArrayList<>(List.of("--quiet", "--plugins-dir", plugins.toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    /** {@code flowsim parse} of one trace with the bundled plugins only, plus extra arguments. */
    static CliRun parse(Path plugins, Path trace, Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("parse", "--trace-file", trace.toString(), "--output-dir",
                output.toString(), "--source", "pytorch-trace", "--resolver", "kernels-json", "--exporter", "csv",
                "--exporter", "summary", "--exporter", "unknown-kernels"));
        args.addAll(List.of(extra));
        return run(plugins, args.toArray(String[]::new));
    }
}
