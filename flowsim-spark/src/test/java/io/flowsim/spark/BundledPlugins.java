package io.flowsim.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bundled plugin zips the reactor built before this module ({@code plugins/<id>/target/*-plugin.zip}),
 * copied into a plugin directory; and the shared traces. Tests that need what is absent are skipped.
 */
final class BundledPlugins {

    static final List<String> PLUGINS = List.of("pytorch-trace", "kernels-json", "csv-export", "analytical");

    private BundledPlugins() {
    }

    static Path repoDir() {
        String prop = System.getProperty("flowsim.repo.dir");
        return prop != null ? Paths.get(prop) : Paths.get("..").toAbsolutePath().normalize();
    }

    /** Property {@code flowsim.shared.dir}, else environment {@code FLOWSIM_SHARED_DIR}, if it exists. */
    static Optional<Path> sharedDir() {
        String prop = System.getProperty("flowsim.shared.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Optional.of(Paths.get(prop));
        }
        String env = System.getenv("FLOWSIM_SHARED_DIR");
        return env != null && Files.isDirectory(Paths.get(env)) ? Optional.of(Paths.get(env)) : Optional.empty();
    }

    /** Copies the bundled plugin zips into {@code dir/plugins}; skips the test when one is not built. */
    static Path copyTo(Path dir) throws IOException {
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

    /** The demo traces, and the shared traces when present. */
    static List<Path> traces() throws IOException {
        List<Path> traces = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.list(repoDir().resolve("demo").resolve("traces"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".trace.json.gz")).sorted().forEach(traces::add);
        }
        Optional<Path> shared = sharedDir();
        if (shared.isPresent() && Files.isDirectory(shared.get().resolve("data/traces"))) {
            try (Stream<Path> s = Files.walk(shared.get().resolve("data/traces"))) {
                s.filter(p -> p.getFileName().toString().endsWith(".json.gz")).sorted().forEach(traces::add);
            }
        }
        return traces;
    }
}
