package io.flowsim.plugin.kernels;

import io.flowsim.api.Options;
import io.flowsim.api.Reporter;
import io.flowsim.api.RunContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/** Test helpers: databases written by hand into temporary files, and where the shared data lives. */
final class Databases {

    private Databases() {
    }

    /** Writes a database file. */
    static Path write(Path dir, String name, String json) {
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, json);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A session over the given files only (no bundled database). */
    static KernelsJsonSession session(Path... files) {
        return (KernelsJsonSession) new KernelsJsonResolver().open(context(false, files));
    }

    /** A session over the bundled database and then the given files. */
    static KernelsJsonSession sessionWithBundled(Path... files) {
        return (KernelsJsonSession) new KernelsJsonResolver().open(context(true, files));
    }

    static RunContext context(boolean bundled, Path... files) {
        Options.Builder b = Options.builder().add(KernelDatabase.BUNDLED.key(), Boolean.toString(bundled));
        for (Path f : files) {
            b.add(KernelDatabase.KERNELS.key(), f.toString());
        }
        return RunContext.of(b.build(), Reporter.silent(), null);
    }

    /**
     * The shared data directory: system property {@code flowsim.shared.dir} if it exists, else the
     * environment variable {@code FLOWSIM_SHARED_DIR}, else empty (tests then skip).
     */
    static Optional<Path> sharedDir() {
        String prop = System.getProperty("flowsim.shared.dir");
        if (prop != null && Files.isDirectory(Paths.get(prop))) {
            return Optional.of(Paths.get(prop));
        }
        String env = System.getenv("FLOWSIM_SHARED_DIR");
        if (env != null && Files.isDirectory(Paths.get(env))) {
            return Optional.of(Paths.get(env));
        }
        return Optional.empty();
    }

    /** The repository root (for the project's own kernels.json and demo traces). */
    static Path repoDir() {
        String prop = System.getProperty("flowsim.repo.dir");
        return prop != null ? Paths.get(prop) : Paths.get("../..").toAbsolutePath().normalize();
    }
}
