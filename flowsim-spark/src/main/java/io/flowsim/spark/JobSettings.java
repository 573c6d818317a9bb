package io.flowsim.spark;

import io.flowsim.api.Options;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What every task needs to rebuild the command line's setup on its executor: the plugin directories
 * (searched the same way on each executor, so they must exist there), the plugin options, the backend
 * and the GPU to simulate. Sent to executors with each task.
 *
 * @param pluginDirectories     plugin directories in discovery order, the bundled ones first
 * @param options               {@code KEY=VALUE} plugin options, in order (as {@code -O})
 * @param backend               the simulator backend's name
 * @param gpu                   the GPU to simulate; empty for the GPU each trace was recorded on
 * @param ignoreBrokenPlugins   continue without plugins that fail to load
 */
record JobSettings(List<String> pluginDirectories, List<String> options, String backend, Optional<String> gpu,
                   boolean ignoreBrokenPlugins) implements Serializable {

    private static final long serialVersionUID = 1L;

    JobSettings {
        pluginDirectories = List.copyOf(Objects.requireNonNull(pluginDirectories, "pluginDirectories"));
        options = List.copyOf(Objects.requireNonNull(options, "options"));
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(gpu, "gpu");
    }

    /** The plugin directories as paths. */
    List<Path> pluginPaths() {
        return pluginDirectories.stream().map(Path::of).toList();
    }

    /** The options every extension receives, as {@code flowsim simulate} would give them. */
    Options extensionOptions() {
        Options.Builder b = Options.builder();
        for (String kv : options) {
            int eq = kv.indexOf('=');
            b.add(kv.substring(0, eq), kv.substring(eq + 1));
        }
        b.add("backend", backend);
        gpu.ifPresent(g -> b.add("gpu", g));
        return b.build();
    }

    // Optional is not Serializable: keep the record serializable through a proxy of plain fields
    private Object writeReplace() {
        return new Proxy(pluginDirectories, options, backend, gpu.orElse(null), ignoreBrokenPlugins);
    }

    private record Proxy(List<String> pluginDirectories, List<String> options, String backend, String gpu,
                         boolean ignoreBrokenPlugins) implements Serializable {
        private static final long serialVersionUID = 1L;

        private Object readResolve() {
            return new JobSettings(pluginDirectories, options, backend, Optional.ofNullable(gpu), ignoreBrokenPlugins);
        }
    }
}
